import type { Instance as Ec2Instance, NetworkInterface as Ec2NetworkInterface } from '@aws-sdk/client-ec2';
import type { Cluster as EksCluster } from '@aws-sdk/client-eks';
import type { CollectionGap, Scope } from '../model/inventory.js';

/**
 * What the AWS APIs answered, in their own shapes (the same JSON the AWS CLI prints). Both the
 * live collector and the snapshot reader produce this; build-inventory.ts turns it into the model.
 */
export interface RawAwsData {
  region: string;
  collectedAt: string;
  scope: Scope;
  /** ENIs with EKS descriptions, every status, plus any trunk ENIs looked up by id. */
  networkInterfaces: Ec2NetworkInterface[];
  /** Instances found when looking up every instance id the ENIs name. */
  instances: Ec2Instance[];
  /** Instance ids that were looked up successfully; absent from `instances` means they do not exist. */
  instanceIdsLookedUp: string[];
  /** ENI ids (trunks) that were looked up successfully; absent from `networkInterfaces` means gone. */
  eniIdsLookedUp: string[];
  /** ListClusters. */
  clusterNames: string[];
  /** DescribeCluster of the clusters that matter to this sweep. */
  clusters: EksCluster[];
  /** Cluster names DescribeCluster answered ResourceNotFoundException for. */
  deletedClusters: string[];
  gaps: CollectionGap[];
}
