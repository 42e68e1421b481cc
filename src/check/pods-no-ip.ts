import type { Finding } from '../model/finding.js';
import type { KubePod } from '../model/kubernetes.js';
import { defineCheck } from './define.js';
import { nodeUsage, type NodeUsage } from './capacity/node-usage.js';
import { groupBy, podKey, sgpAnalyses, stuckAfter, workloadKey, type SgpAnalysis } from './sgp/analysis.js';
import { humanDuration, secondsSince, type Failure } from './sgp/events.js';
import { sgpExplanation } from './sgp/explain.js';

/** Pods by node, once per cluster: filtering every pod for each node is quadratic (bench: hundreds of nodes × 150k pods). */
const podsByNode = new WeakMap<SgpAnalysis, Map<string, KubePod[]>>();
function podsOn(a: SgpAnalysis, nodeName: string): KubePod[] {
  let m = podsByNode.get(a);
  if (!m) {
    podsByNode.set(a, (m = new Map()));
    for (const p of a.k.pods) {
      if (!p.nodeName) continue;
      const list = m.get(p.nodeName);
      if (list) list.push(p);
      else m.set(p.nodeName, [p]);
    }
  }
  return m.get(nodeName) ?? [];
}

function nodeHint(a: SgpAnalysis, nodeName: string | null, cache: Map<string, NodeUsage | null>, warnPercent: number) {
  if (!nodeName) return null;
  if (!cache.has(nodeName)) {
    const n = a.nodes.get(nodeName);
    cache.set(nodeName, n ? nodeUsage(a.k, n, a.inv.subnets, podsOn(a, nodeName)) : null);
  }
  const u = cache.get(nodeName);
  if (!u) return null;
  const percent = u.ip.capacity ? Math.round((u.vpcIpPods / u.ip.capacity) * 1000) / 10 : null;
  return {
    node: nodeName,
    vpcIpPods: u.vpcIpPods,
    ipCapacity: u.ip.capacity,
    percent,
    nodeIpPressure: percent !== null && percent >= warnPercent,
    subnetId: u.podSubnetId,
    subnetFreeIps: u.podSubnet?.availableIps ?? null,
  };
}

/** Pods whose sandbox keeps failing for want of an IP, that no SGP finding explains (issue #4). */
export const podsNoIp = defineCheck({
  id: 'pods-no-ip',
  summary: 'Pods stuck with "failed to assign an IP address to container" longer than a threshold, unexplained by the SGP checks',
  codes: {
    PODS_NO_IP: {
      severity: 'warning',
      title: 'Pods have been stuck in ContainerCreating without an IP address for longer than the threshold.',
      why: "kubelet's `FailedCreatePodSandBox … add cmd: failed to assign an IP address to container` is the VPC CNI saying it had no address (or, for a pod with its own security groups, no branch ENI) to give. Briefly it is normal while an ENI attaches (EKS docs). For longer it means the node is out of IPs (NODE_IP_PRESSURE: the details say how full the node is), the subnet is exhausted (SUBNET_IP_PRESSURE), ipamd cannot call EC2, or branch ENIs are held by the deletion cool-down. Pods an SGP finding already explains (POD_STUCK_INVALID_SG, SGP_UNKNOWN_SG, SGP_SG_OTHER_VPC, SGP_TOO_MANY_SGS, SGP_INVALID, SGP_NODE_NOT_TRUNK_CAPABLE, SGP_CLUSTER_ROLE_POLICY_MISSING) are left to it. Threshold: `sgp.noIpStuckSeconds` (5 minutes) since the first failure.",
      fix: 'Follow the hint in details: for a full node spread pods or enable prefix delegation; for a full subnet clean up leaked ENIs and add subnets; otherwise read ipamd\'s log on the node (`/var/log/aws-routed-eni/ipamd.log`) and the aws-node pod\'s events (MissingIAMPermissions). Delete the pod once fixed if it does not recover.',
    },
  },
  run(inv, ctx) {
    const findings: Finding[] = [];
    const { noIpStuckSeconds, securityGroupsPerEni, maxListedPods } = ctx.config.sgp;
    for (const a of sgpAnalyses(inv)) {
      const stuck: Array<{ pod: KubePod; failure: Failure; seconds: number }> = [];
      for (const [key, failure] of a.noIp) {
        const pod = a.pods.get(key);
        if (!pod || !stuckAfter(pod, failure.lastAt)) continue;
        const seconds = secondsSince(failure.firstAt ?? pod.createdAt, ctx.now);
        if (seconds === null || seconds < noIpStuckSeconds || sgpExplanation(a, pod, securityGroupsPerEni)) continue;
        stuck.push({ pod, failure, seconds });
      }
      const usage = new Map<string, NodeUsage | null>();
      for (const [id, group] of groupBy(stuck, (s) => workloadKey(s.pod))) {
        const first = group[0]!.pod;
        const longest = Math.max(...group.map((s) => s.seconds));
        const nodes = [...new Set(group.map((s) => s.pod.nodeName).filter((n): n is string => !!n))].sort();
        const hints = nodes.map((n) => nodeHint(a, n, usage, ctx.config.capacity.nodeIpWarningPercent)).filter((h) => h !== null);
        const full = hints.filter((h) => h.nodeIpPressure).map((h) => h.node);
        const branch = group.map((s) => a.otherBranchFailures.get(podKey(s.pod))).find((f) => f !== undefined);
        findings.push({
          code: 'PODS_NO_IP',
          severity: 'warning',
          resource: { type: 'workload', id },
          cluster: a.k.cluster,
          region: inv.region,
          reason: `${group.length} pod${group.length === 1 ? '' : 's'} of ${first.workload.kind} ${first.namespace}/${first.workload.name} ${group.length === 1 ? 'has' : 'have'} had no IP address for up to ${humanDuration(longest)} (failed to assign an IP address to container)${full.length ? `; node${full.length === 1 ? '' : 's'} ${full.join(', ')} ${full.length === 1 ? 'is' : 'are'} at IP capacity (NODE_IP_PRESSURE)` : ''}`,
          details: {
            namespace: first.namespace,
            workload: first.workload,
            podCount: group.length,
            pods: group.slice(0, maxListedPods).map((s) => s.pod.name),
            stuckSeconds: longest,
            firstFailureAt: group.map((s) => s.failure.firstAt).filter((t): t is string => !!t).sort()[0] ?? null,
            nodes: hints,
            branchAllocationFailed: branch?.message ?? null,
            message: group[0]!.failure.message,
          },
        });
      }
    }
    return findings;
  },
});
