import type { EC2Client } from '@aws-sdk/client-ec2';
import type { EKSClient } from '@aws-sdk/client-eks';
import type { IAMClient } from '@aws-sdk/client-iam';
import { INSTANCE_TYPE_LABEL, LEGACY_INSTANCE_TYPE_LABEL } from '../model/kube-marks.js';
import { shippedLimits } from '../limits/instance-limits.js';
import { KubeClient } from '../kube/kube-client.js';
import { resolveKubeTargets, type KubernetesAccess } from '../kube/targets.js';
import { describeError } from '../util/errors.js';
import { describeInstanceTypes, describeInstancesById, describeSubnetsById } from './aws/capacity-lookups.js';
import { normaliseEni } from './classify.js';
import { collectKubernetesCluster, type CollectKubernetesOptions } from './kubernetes/collect-kubernetes.js';
import { parseProviderId } from './kubernetes/build-kubernetes.js';
import type { RawAwsData } from './raw.js';
import { collectSgp, type SgpStats } from './collect-sgp.js';

export interface CollectCapacityOptions extends CollectKubernetesOptions {
  kubernetes: KubernetesAccess;
  /** Per Kubernetes request. Default: VPC_CNI_AUDITOR_REQUEST_TIMEOUT_MS, else 20 s. */
  kubeTimeoutMs?: number;
  /** IAM, for the cluster role's managed policies (issue #4); without it that lookup is a gap. */
  iam?: IAMClient;
}

export interface CapacityStats {
  kubernetesRequests: number;
  /** Issue #4: the Security Groups for Pods lookups (EC2, IAM). */
  sgp?: SgpStats;
}

/**
 * Adds the capacity side to a live collection (issue #3), in place: the Kubernetes objects of every
 * reachable cluster, the EC2 instances behind nodes the ENI listing did not name, limits of instance
 * types the shipped table lacks, and the subnets in use. Every failure becomes a gap; the AWS-side
 * checks run whatever happens here.
 */
export async function collectCapacity(ec2: EC2Client, eks: EKSClient, raw: RawAwsData, opts: CollectCapacityOptions): Promise<CapacityStats> {
  const stats: CapacityStats = { kubernetesRequests: 0 };
  // An instance-scoped run (one terminated node) has no capacity question to answer.
  if (raw.scope.instanceId !== undefined) return stats;

  const { targets, gaps } = await resolveKubeTargets(opts.kubernetes, raw, eks);
  raw.gaps.push(...gaps);
  if (targets.length || opts.kubernetes.kind !== 'off') raw.kubernetes = [];
  const timeoutMs = opts.kubeTimeoutMs ?? (Number(process.env.VPC_CNI_AUDITOR_REQUEST_TIMEOUT_MS) || 20_000);
  // Clusters one after another: a region rarely has many, and it keeps the load on each API server low.
  for (const target of targets) {
    let client: KubeClient;
    try {
      client = new KubeClient(target.kubeConfig, { timeoutMs });
    } catch (err) {
      raw.gaps.push({ source: `kubernetes:${target.cluster ?? target.access}`, affects: 'kubernetes', reason: describeError(err) });
      continue;
    }
    const out = await collectKubernetesCluster(client, target, opts);
    stats.kubernetesRequests += client.calls;
    raw.gaps.push(...out.gaps);
    if (out.raw) raw.kubernetes!.push(out.raw);
  }

  // EC2 instances behind the nodes: their subnet, and their type when the label is missing.
  const nodes = (raw.kubernetes ?? []).flatMap((k) => k.nodes);
  const looked = new Set(raw.instanceIdsLookedUp);
  const nodeInstanceIds = [...new Set(nodes.map((n) => parseProviderId(n.spec?.providerID).instanceId).filter((id): id is string => id !== null && !looked.has(id)))].sort();
  if (nodeInstanceIds.length) {
    try {
      raw.instances.push(...(await describeInstancesById(ec2, nodeInstanceIds)));
      raw.instanceIdsLookedUp.push(...nodeInstanceIds);
    } catch (err) {
      raw.gaps.push({ source: 'ec2:DescribeInstances (nodes)', affects: 'kubernetes', reason: `${describeError(err)}; nodes without an instance-type label and node subnets are unknown` });
    }
  }

  const instanceType = new Map(raw.instances.map((i) => [i.InstanceId, i.InstanceType as string | undefined]));
  const types = new Set<string>();
  for (const n of nodes) {
    const labels = n.metadata?.labels ?? {};
    const t = labels[INSTANCE_TYPE_LABEL] ?? labels[LEGACY_INSTANCE_TYPE_LABEL] ?? instanceType.get(parseProviderId(n.spec?.providerID).instanceId ?? '');
    if (t && !shippedLimits(t)) types.add(t);
  }
  if (types.size) {
    try {
      raw.instanceTypes = await describeInstanceTypes(ec2, [...types].sort());
    } catch (err) {
      raw.gaps.push({ source: 'ec2:DescribeInstanceTypes', affects: 'kubernetes', reason: `${describeError(err)}; pod capacity of ${[...types].sort().join(', ')} is unknown` });
    }
  }

  const subnetIds = new Set<string>();
  const nodeInstances = new Set(nodes.map((n) => parseProviderId(n.spec?.providerID).instanceId));
  for (const i of raw.instances) if (i.SubnetId && nodeInstances.has(i.InstanceId ?? null)) subnetIds.add(i.SubnetId);
  for (const k of raw.kubernetes ?? []) for (const c of k.eniConfigs) if (c.spec?.subnet) subnetIds.add(c.spec.subnet);
  for (const e of raw.networkInterfaces) if (e.SubnetId && normaliseEni(e).ownedByEks) subnetIds.add(e.SubnetId);
  if (subnetIds.size) {
    try {
      raw.subnets = await describeSubnetsById(ec2, [...subnetIds].sort());
    } catch (err) {
      raw.gaps.push({ source: 'ec2:DescribeSubnets', affects: 'subnets', reason: `${describeError(err)}; SUBNET_IP_PRESSURE skipped` });
    }
  } else raw.subnets = [];
  // Security Groups for Pods (issue #4): needs the policies and subnets read above.
  stats.sgp = await collectSgp(ec2, opts.iam, raw);
  return stats;
}
