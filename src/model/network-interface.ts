/** How the auditor classifies an ENI, from its description and ownership tags (docs/domain-facts §1, §2e). */
/** `lookalike`: described like an EKS ENI, ownership unproven. `other`: anything else (ELB, Lambda, NAT…). */
export type EniKind = 'branch' | 'trunk' | 'cni' | 'lookalike' | 'other';

export interface NetworkInterface {
  id: string;
  kind: EniKind;
  description: string;
  status: string;
  interfaceType: string | null;
  vpcId: string | null;
  subnetId: string | null;
  availabilityZone: string | null;
  privateIp: string | null;
  /** Primary plus secondary private IPv4 addresses: what the ENI holds in its subnet. */
  privateIpCount: number;
  securityGroupIds: string[];
  tags: Readonly<Record<string, string>>;
  attachment: { instanceId: string | null; status: string | null } | null;
  requesterManaged: boolean;
  /** True when the tags prove an EKS owner (the VPC resource controller or the VPC CNI). */
  ownedByEks: boolean;
  /** Cluster this ENI belongs to, and where that came from. */
  cluster: string | null;
  clusterSource: 'eni-tag' | 'instance-tag' | null;
  instanceId: string | null;
  trunkId: string | null;
  vlanId: number | null;
}
