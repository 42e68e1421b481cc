import type { LabelSelector } from '../util/label-selector.js';

/**
 * Security Groups for Pods (issue #4): SecurityGroupPolicy objects, the pod fields the SGP checks
 * read, and the EC2 security groups, route tables and cluster IAM role they are judged against.
 * Facts: docs/domain-facts §4–6 (VPC resource controller, VPC CNI, EKS docs).
 */

/** EC2 security group ids: `sg-` and 8 (old) or 17 hex digits. */
export const SG_ID = /^sg-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;

/** A selector as written: parsed, or why apimachinery would refuse it (then it never matches). */
export type SelectorField = { selector: LabelSelector; text: string } | { selector: null; problem: string };

export type SgpProblemKind =
  /** Neither podSelector nor serviceAccountSelector: the resource controller skips the policy. */
  | 'no-selector'
  /** securityGroups.groupIds missing or empty: skipped too. */
  | 'no-group-ids'
  /** A selector the resource controller cannot convert: the policy never matches. */
  | 'bad-selector'
  /** A group id that is not `sg-` + 8 or 17 hex digits: CreateNetworkInterface will refuse it. */
  | 'malformed-group-id'
  /** The spec is not shaped like the CRD (a snapshot or an older CRD): the policy is not used. */
  | 'bad-spec';

export interface SgpProblem {
  kind: SgpProblemKind;
  detail: string;
}

export interface SecurityGroupPolicyRecord {
  namespace: string;
  name: string;
  /** null: not set. */
  podSelector: SelectorField | null;
  serviceAccountSelector: SelectorField | null;
  /** spec.securityGroups.groupIds, strings only, de-duplicated in order. */
  groupIds: string[];
  /** Empty: a valid policy. */
  problems: SgpProblem[];
  /** The resource controller applies it: selectors set and parseable, group ids present (malformed ids still apply, and fail). */
  applies: boolean;
  createdAt: string | null;
}

/** One entry of the pod annotation `vpc.amazonaws.com/pod-eni` (resource controller trunk.ENIDetails). */
export interface PodBranchEni {
  eniId: string;
  privateIp: string | null;
  vlanId: number | null;
  subnetCidr: string | null;
}

export type ProbeKind = 'liveness' | 'readiness' | 'startup';

/** A network probe kubelet sends to the pod (httpGet, tcpSocket, grpc); exec probes never cross an SG. */
export interface PodProbe {
  container: string;
  kind: ProbeKind;
  type: 'http' | 'tcp' | 'grpc';
  /** The port number, named ports resolved against the container's ports; null when unresolvable. */
  port: number | null;
  /** As written, when it was a name. */
  portName: string | null;
}

/** What the SGP checks read from a pod. */
export interface PodSgpFields {
  labels: Readonly<Record<string, string>>;
  /** spec.serviceAccountName (`default` when unset, as the API server fills in). */
  serviceAccount: string;
  /** Parsed `vpc.amazonaws.com/pod-eni`; null when the pod has no such annotation (or it is unreadable). */
  branchEnis: PodBranchEni[] | null;
  /** The annotation exists but could not be read (the pod is skipped by the branch-ENI checks). */
  branchEniProblem: string | null;
  probes: PodProbe[];
  /** When the pod started running: Ready=True transition, else the earliest running container start. */
  runningSince: string | null;
  podIp: string | null;
}

/** Something in the cluster's objects the normaliser could not use; logged, never fatal. */
export interface SkippedObject {
  kind: string;
  /** `namespace/name`, or what identifies it. */
  name: string;
  reason: string;
}

/** The SGP side of one cluster. `policies: null`: not collected (an older snapshot) or unreadable (see the gaps). */
export interface KubeSgpPart {
  policies: SecurityGroupPolicyRecord[] | null;
  /** ServiceAccount labels by `namespace/name`; null when not read (no policy uses serviceAccountSelector, or the list failed). */
  serviceAccountLabels: ReadonlyMap<string, Readonly<Record<string, string>>> | null;
  skipped: SkippedObject[];
}

/** An EC2 security group rule, flattened: one protocol and port range, its sources or destinations. */
export interface SecurityGroupRule {
  /** `tcp`, `udp`, `icmp`, or `-1` (all traffic). EC2 also answers protocol numbers: 6 and 17 are normalised. */
  protocol: string;
  /** Inclusive; null with protocol -1 (every port). */
  fromPort: number | null;
  toPort: number | null;
  cidrs: string[];
  groupIds: string[];
  prefixListIds: string[];
}

export interface SecurityGroupRecord {
  id: string;
  name: string | null;
  vpcId: string | null;
  ingress: SecurityGroupRule[];
  egress: SecurityGroupRule[];
}

export interface RouteTableRecord {
  id: string;
  vpcId: string | null;
  /** The VPC's main route table: used by subnets without an explicit association. */
  main: boolean;
  subnetIds: string[];
  /** Target of the 0.0.0.0/0 route (igw-…, nat-…, tgw-…, eni-…), or null when there is none. */
  defaultRouteTarget: string | null;
}

/** Managed policies attached to an EKS cluster's IAM role (IAM ListAttachedRolePolicies). */
export interface ClusterRolePolicies {
  cluster: string;
  roleArn: string;
  policyArns: string[];
}

/** The AWS side of Security Groups for Pods in the inventory. Absent parts were not collected. */
export interface SgpAwsPart {
  securityGroups: ReadonlyMap<string, SecurityGroupRecord>;
  /** Ids asked for in a lookup that succeeded: absent from securityGroups means the group does not exist. */
  securityGroupIdsLookedUp: ReadonlySet<string>;
  routeTables: RouteTableRecord[];
  /** Subnets whose route table lookup succeeded (explicit association, else their VPC's main table). */
  routeTableSubnetsLookedUp: ReadonlySet<string>;
  /** Per cluster whose role was read; a cluster absent here was not looked up (see the gaps). */
  clusterRolePolicies: ReadonlyMap<string, ClusterRolePolicies>;
}
