/** A synthetic estate: what the stand-in serves, plus what a correct audit of it must find. */

export interface EstateSize {
  /** ENIs with EKS descriptions (what the auditor lists); unrelated ENIs come on top. */
  enis: number;
  nodes: number;
  pods: number;
  events: number;
}

/** What an ENI really is, so a test can compare the auditor's verdicts with the truth. */
export type EniTruth = 'live' | 'available-not-orphaned' | 'leaked' | 'lookalike' | 'other';
export type LeakCode = 'LEAKED_BRANCH_ENI' | 'LEAKED_TRUNK_ENI' | 'LEAKED_CNI_ENI';

export interface SynthEni {
  id: string;
  description: string;
  status: 'in-use' | 'available';
  interfaceType: 'interface' | 'trunk' | 'branch';
  vpcId: string;
  subnetId: string;
  az: string;
  privateIp: string;
  secondaryIps: string[];
  groups: Array<{ id: string; name: string }>;
  tags: Record<string, string>;
  attachment: { id: string; instanceId: string; deviceIndex: number } | null;
  requesterManaged: boolean;
  truth: EniTruth;
  leakCode?: LeakCode;
  ignored?: boolean;
}

export interface SynthInstance {
  id: string;
  state: 'running' | 'terminated';
  instanceType: string;
  vpcId: string;
  subnetId: string;
  az: string;
  privateIp: string;
  tags: Record<string, string>;
}

export interface SynthSubnet {
  id: string;
  vpcId: string;
  az: string;
  cidr: string;
  availableIps: number;
}

export interface SynthCluster {
  name: string;
  vpcId: string;
  subnetIds: string[];
  securityGroupId: string;
  clusterSecurityGroupId: string;
  roleArn: string;
}

export interface SynthRule {
  protocol: '-1' | 'tcp' | 'udp';
  fromPort?: number;
  toPort?: number;
  cidrs: string[];
  groups: string[];
}

export interface SynthSecurityGroup {
  id: string;
  vpcId: string;
  name: string;
  ingress: SynthRule[];
  egress: SynthRule[];
}

export interface SynthRouteTable {
  id: string;
  vpcId: string;
  main: boolean;
  subnetIds: string[];
  routes: Array<{ destination: string; target: string }>;
}

/** One cluster's Kubernetes objects, API-shaped (as list items: no kind/apiVersion). */
export interface KubeEstate {
  cluster: string;
  nodes: object[];
  pods: object[];
  events: object[];
  cniNodes: object[];
  eniConfigs: object[];
  securityGroupPolicies: object[];
  serviceAccounts: object[];
  awsNode: object;
}

export interface Expected {
  /** ENIs the description filter matches: the listing's size. */
  eksDescribed: number;
  leakedByCode: Record<LeakCode, number>;
  leakedIds: string[];
  /** Leaked and not opted out: what a cleanup with no grace, cap or breaker deletes. */
  deletableIds: string[];
  lookalikeIds: string[];
  /** Distinct instance ids named by EKS-owned ENIs: what the collector must look up. */
  referencedInstanceIds: number;
  /** Trunk ids named by branch ENIs that are not in the listing: looked up by id. */
  missingTrunkIds: number;
  /** Clusters named by ENI or instance tags: each is described once. */
  wantedClusters: string[];
  /** What the Kubernetes collection must bring back (pods: not finished; events: of the reasons the collector lists, filled in by the stand-in). */
  kube: { nodes: number; pods: number; listedEvents: number };
}

export interface Estate {
  seed: number;
  size: EstateSize;
  /** Sorted by id; includes unrelated ENIs the server-side filter must exclude. */
  enis: SynthEni[];
  /** Sorted by id: running nodes and terminated ones (instances that never existed are absent). */
  instances: SynthInstance[];
  clusters: SynthCluster[];
  /** ListClusters: live clusters plus a few the ENIs never name. */
  listedClusters: string[];
  deletedClusters: string[];
  subnets: SynthSubnet[];
  securityGroups: SynthSecurityGroup[];
  routeTables: SynthRouteTable[];
  /** IAM: managed policies attached to each cluster role, by role name. */
  rolePolicies: Record<string, Array<{ name: string; arn: string }>>;
  kube: KubeEstate[];
  expected: Expected;
}
