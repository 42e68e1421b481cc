/** What the auditor knows about one EC2 instance type's networking (data/instance-limits.json). */
export interface InstanceLimits {
  /** ENIs on the default network card: the only card the VPC CNI uses for pods. */
  enis: number;
  /** ENIs over all network cards. */
  totalEnis: number;
  ipv4PerEni: number;
  networkCards: number;
  hypervisor: 'nitro' | 'xen' | 'unknown';
  bareMetal: boolean;
  /** Resource controller: can it attach a trunk ENI (Security Groups for Pods)? null: not in its table. */
  trunking: boolean | null;
  /** Resource controller: branch ENIs (pods with their own security groups) per node. null: not in its table. */
  branchInterfaces: number | null;
}

export interface InstanceLimitsFile {
  format: 'vpc-cni-auditor-instance-limits/1';
  provenance: {
    generatedBy: string;
    inputs: Array<{ file: string; sha256: string; repo: string; path: string; commit: string; [k: string]: unknown }>;
    rules: string[];
  };
  counts: { instanceTypes: number; withBranchLimits: number; trunkingCompatible: number };
  instanceTypes: Record<string, InstanceLimits>;
}

/** Where a node's limits came from: the shipped table, EC2 DescribeInstanceTypes, or nowhere. */
export type LimitsSource = 'table' | 'ec2' | null;
