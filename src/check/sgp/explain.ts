import type { KubePod } from '../../model/kubernetes.js';
import { VPC_RESOURCE_CONTROLLER_POLICY } from '../../model/kube-marks.js';
import { podKey, type SgpAnalysis } from './analysis.js';

/** Security Groups for Pods is in use in the cluster: valid policies, ENABLE_POD_ENI, or a node with SGP signals. */
export const sgpInUse = (a: SgpAnalysis): boolean =>
  (a.policies ?? []).some((p) => p.applies) || a.k.awsNode?.podEni === true || a.k.nodes.some((n) => n.securityGroupsForPods.enabled);

/** true: IAM says missing, or IAM unknown and trunk creation failed with UnauthorizedOperation. null: IAM not read, no such events. */
export function rolePolicyMissing(a: SgpAnalysis): boolean | null {
  const role = a.k.cluster ? a.inv.sgp?.clusterRolePolicies.get(a.k.cluster) : undefined;
  // The AWS managed policy, in any partition; a customer policy of the same name is not it.
  if (role) return !role.policyArns.some((arn) => new RegExp(`^arn:aws[a-z-]*:iam::aws:policy/${VPC_RESOURCE_CONTROLLER_POLICY}$`).test(arn));
  return a.trunkUnauthorized.length > 0 ? true : null;
}

/**
 * The SGP finding that already explains why a pod has no network, if any: PODS_NO_IP reports
 * only the rest. Mirrors the conditions of the checks named.
 */
export function sgpExplanation(a: SgpAnalysis, p: KubePod, quota: number): string | null {
  if (a.invalidSg.has(podKey(p))) return 'POD_STUCK_INVALID_SG';
  const match = a.matchOf(p);
  if (!match?.policies.length) return null;
  const vpcId = a.vpcId;
  for (const id of match.groupIds) {
    const s = a.groupStatus(id);
    if (s.state === 'missing') return 'SGP_UNKNOWN_SG';
    if (s.state === 'malformed') return 'SGP_INVALID';
    if (s.state === 'found' && vpcId && s.group.vpcId && s.group.vpcId !== vpcId) return 'SGP_SG_OTHER_VPC';
  }
  if (match.groupIds.length > quota) return 'SGP_TOO_MANY_SGS';
  const node = p.nodeName ? a.nodes.get(p.nodeName) : undefined;
  const capability = node ? a.trunkCapability(node) : 'unknown';
  if (capability !== 'ok' && capability !== 'unknown') return 'SGP_NODE_NOT_TRUNK_CAPABLE';
  if (rolePolicyMissing(a) === true) return 'SGP_CLUSTER_ROLE_POLICY_MISSING';
  return null;
}
