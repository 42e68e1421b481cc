import type { Instance as Ec2Instance, InstanceTypeInfo, NetworkInterface as Ec2NetworkInterface, Subnet as Ec2Subnet } from '@aws-sdk/client-ec2';
import type { Cluster as EksCluster } from '@aws-sdk/client-eks';
import type { CollectionGap, Scope } from '../model/inventory.js';
import type { RawKubernetesCluster } from './kubernetes/raw-kubernetes.js';
import type { RawSgpAws } from './aws/raw-sgp.js';

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
  /** Issue #3, capacity (optional: absent when not collected). DescribeSubnets of the subnets the clusters use. */
  subnets?: Ec2Subnet[];
  /** DescribeInstanceTypes of node instance types the shipped limits table lacks. */
  instanceTypes?: InstanceTypeInfo[];
  /** The Kubernetes API objects, one entry per cluster reached. */
  kubernetes?: RawKubernetesCluster[];
  /** Issue #4, Security Groups for Pods: security groups, route tables, cluster role policies (optional). */
  sgp?: RawSgpAws;
}
