import type { EC2Client } from '@aws-sdk/client-ec2';
import type { IAMClient } from '@aws-sdk/client-iam';
import { SGP_EVENT_REASONS } from '../model/kube-marks.js';
import { describeError } from '../util/errors.js';
import { describeRouteTablesForSubnets, describeSecurityGroupsById, listAttachedRolePolicies, roleNameOf } from './aws/sgp-lookups.js';
import type { RawSgpAws } from './aws/raw-sgp.js';
import { normaliseEni } from './classify.js';
import { SG_ID } from '../model/sgp.js';
import { securityGroupPolicy } from './kubernetes/build-sgp.js';
import type { RawKubernetesCluster } from './kubernetes/raw-kubernetes.js';
import type { RawAwsData } from './raw.js';

export interface SgpStats {
  /** Lookups made (each batch or IAM role counts once; pages within a call are not counted). */
  ec2Lookups: number;
  iamLookups: number;
}

/** The cluster has SecurityGroupPolicies: their groups, subnets and the cluster role are worth looking up. */
const hasPolicies = (k: RawKubernetesCluster): boolean => (k.securityGroupPolicies ?? []).length > 0;

/** The resource controller could not create a trunk: the cluster role is worth reading even before any policy exists. */
const trunkFailed = (k: RawKubernetesCluster): boolean => k.events.some((e) => e.reason === SGP_EVENT_REASONS.trunkCreationFailed);

/** Every well-formed group id the clusters' policies name, and the groups of their branch ENIs: what the SGP checks judge. */
export function referencedGroupIds(raw: RawAwsData): string[] {
  const clusters = (raw.kubernetes ?? []).filter(hasPolicies);
  const ids = new Set<string>();
  for (const k of clusters) {
    for (const o of k.securityGroupPolicies ?? []) for (const id of securityGroupPolicy(o)?.groupIds ?? []) if (SG_ID.test(id)) ids.add(id);
  }
  const names = new Set(clusters.map((k) => k.cluster));
  for (const e of raw.networkInterfaces) {
    const eni = normaliseEni(e);
    if (eni.kind === 'branch' && names.has(eni.cluster)) for (const id of eni.securityGroupIds) ids.add(id);
  }
  return [...ids].sort();
}

/**
 * Adds the AWS side of the SGP checks (issue #4) to a live collection, in place, after the
 * Kubernetes objects are read: the security groups the policies and branch ENIs name (one
 * filtered, batched lookup for all clusters), the route tables of the subnets in use, and the
 * managed policies of each SGP cluster's IAM role. A failed lookup is a gap and its checks are
 * skipped: a group is "missing" only when a lookup that asked for it succeeded.
 */
export async function collectSgp(ec2: EC2Client, iam: IAMClient | undefined, raw: RawAwsData): Promise<SgpStats> {
  const stats: SgpStats = { ec2Lookups: 0, iamLookups: 0 };
  // Clusters without policies cost nothing: most clusters do not use Security Groups for Pods.
  const clusters = (raw.kubernetes ?? []).filter(hasPolicies);
  const roleClusters = (raw.kubernetes ?? []).filter((k) => hasPolicies(k) || trunkFailed(k));
  if (!roleClusters.length) return stats;
  const sgp: RawSgpAws = { securityGroups: [], securityGroupIdsLookedUp: [], routeTables: [], routeTableSubnetsLookedUp: [], clusterRoles: [] };
  raw.sgp = sgp;

  const sorted = referencedGroupIds(raw);
  if (sorted.length) {
    try {
      stats.ec2Lookups += Math.ceil(sorted.length / 200);
      sgp.securityGroups = await describeSecurityGroupsById(ec2, sorted);
      sgp.securityGroupIdsLookedUp = sorted;
    } catch (err) {
      raw.gaps.push({ source: 'ec2:DescribeSecurityGroups', affects: 'security-groups', reason: `${describeError(err)}; SGP_UNKNOWN_SG, SGP_SG_OTHER_VPC, SGP_SG_BLOCKS_PROBES and SGP_SG_BLOCKS_DNS skipped` });
    }
  }

  // The subnets in use (nodes, ENIConfigs, EKS ENIs) are where branch ENIs live.
  const subnets = clusters.length ? (raw.subnets ?? []).filter((s) => s.SubnetId) : [];
  if (subnets.length) {
    const subnetIds = subnets.map((s) => s.SubnetId!).sort();
    const vpcIds = [...new Set(subnets.map((s) => s.VpcId).filter((v): v is string => !!v))].sort();
    try {
      stats.ec2Lookups += Math.ceil(subnetIds.length / 200) + Math.ceil(vpcIds.length / 200);
      sgp.routeTables = await describeRouteTablesForSubnets(ec2, subnetIds, vpcIds);
      sgp.routeTableSubnetsLookedUp = subnetIds;
    } catch (err) {
      raw.gaps.push({ source: 'ec2:DescribeRouteTables', affects: 'subnets', reason: `${describeError(err)}; SGP_PUBLIC_SUBNET skipped` });
    }
  }

  for (const k of roleClusters) {
    if (!k.cluster) continue;
    const roleArn = raw.clusters.find((c) => c.name === k.cluster)?.roleArn;
    const roleName = roleArn ? roleNameOf(roleArn) : null;
    if (!roleArn || !roleName) continue;
    if (!iam) {
      raw.gaps.push({ source: `iam:ListAttachedRolePolicies ${roleName}`, affects: 'iam', reason: 'no IAM client; SGP_CLUSTER_ROLE_POLICY_MISSING judged from events only' });
      continue;
    }
    try {
      stats.iamLookups++;
      sgp.clusterRoles.push({ cluster: k.cluster, roleArn, AttachedPolicies: await listAttachedRolePolicies(iam, roleName) });
    } catch (err) {
      // Denied or failed: unknown, not missing. The trunk events can still tell.
      raw.gaps.push({ source: `iam:ListAttachedRolePolicies ${roleName}`, affects: 'iam', reason: `${describeError(err)}; SGP_CLUSTER_ROLE_POLICY_MISSING judged from events only` });
    }
  }
  return stats;
}
