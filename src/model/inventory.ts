import type { KubernetesCluster, SubnetRecord } from './kubernetes.js';
import type { NetworkInterface } from './network-interface.js';
import type { SgpAwsPart } from './sgp.js';

export interface InstanceRecord {
  id: string;
  state: string;
  instanceType: string | null;
  vpcId: string | null;
  subnetId: string | null;
  tags: Readonly<Record<string, string>>;
  /** Issue #4: the primary ENI's address and groups (what a node's traffic carries), ENIs attached on card 0. */
  privateIp: string | null;
  securityGroupIds: string[];
  /** null when EC2 did not list the instance's interfaces. */
  defaultCardEnis: number | null;
}

export interface ClusterRecord {
  name: string;
  status: string | null;
  vpcId: string | null;
  securityGroupIds: string[];
  clusterSecurityGroupId: string | null;
  endpoint: string | null;
  roleArn: string | null;
}

/**
 * Something the collector could not read. Checks use gaps to avoid treating "unknown" as "gone":
 * an orphan proof that depends on a gap is never made.
 */
export interface CollectionGap {
  /** Which lookup failed, e.g. `ec2:DescribeInstances`. */
  source: string;
  /** Which proofs or checks this disables. */
  affects: 'instances' | 'trunks' | 'clusters' | 'kubernetes' | 'subnets' | 'security-groups' | 'iam';
  reason: string;
}

/**
 * What a run was limited to. `clusters: null` means every cluster; `instanceId` limits it to the ENIs
 * tagged with one instance (the instance-terminated handler). Either limit makes the run "scoped":
 * it cannot tell that an ENI it did not look at is gone.
 */
export interface Scope {
  clusters: string[] | null;
  instanceId?: string;
}

/** Everything one sweep knows about one region. Built by collect/, read by check/. Never changed by checks. */
export interface Inventory {
  region: string;
  collectedAt: Date;
  /** Cluster names the sweep was limited to; null means every cluster. */
  scope: Scope;
  networkInterfaces: NetworkInterface[];
  /** Instances referenced by ENIs, by id. An id looked up but absent here does not exist. */
  instances: ReadonlyMap<string, InstanceRecord>;
  /** Every instance id that was looked up successfully (found or not). */
  instanceIdsLookedUp: ReadonlySet<string>;
  /** ENI ids that were looked up and do not exist (trunks named by branch ENIs). */
  eniIdsNotFound: ReadonlySet<string>;
  /** ENI ids that were looked up (found or not). */
  eniIdsLookedUp: ReadonlySet<string>;
  /** Clusters that exist, by name. */
  clusters: ReadonlyMap<string, ClusterRecord>;
  /** Clusters named by ENI tags that are proven not to exist. */
  deletedClusters: ReadonlySet<string>;
  gaps: CollectionGap[];
  /** Issue #3, capacity: the Kubernetes side per cluster reached. Absent when Kubernetes was not collected. */
  kubernetes?: KubernetesCluster[];
  /** Issue #3, capacity: the subnets the clusters' nodes, ENIConfigs and ENIs use. Absent when not collected. */
  subnets?: ReadonlyMap<string, SubnetRecord>;
  /** Issue #4, Security Groups for Pods: security groups, route tables, cluster role policies. Absent when not collected. */
  sgp?: SgpAwsPart;
}
