import type { Finding } from '../model/finding.js';
import type { KubeNode, KubePod } from '../model/kubernetes.js';
import type { SecurityGroupRecord } from '../model/sgp.js';
import { KUBE_DNS_LABEL } from '../model/kube-marks.js';
import { defineCheck } from './define.js';
import { actualGroups, groupBy, sgpAnalyses, workloadKey, type SgpAnalysis } from './sgp/analysis.js';
import { allows, type Peer } from './sgp/sg-rules.js';

/**
 * The rules of a pod's security groups against the traffic EKS needs (issue #4), per the EKS docs
 * (security-groups-for-pods): inbound from the cluster security group on the probe ports, outbound
 * TCP and UDP 53 to CoreDNS.
 *
 * Who is on the other end, decided here and documented in docs/findings.md:
 * - probes come from kubelet on the pod's node: the instance's primary IP, and its groups plus the
 *   cluster security group (managed node groups carry it; counting it when a node does not can
 *   only hide a finding, never invent one);
 * - DNS goes to each running CoreDNS pod (kube-system, k8s-app=kube-dns): its IP, and the groups of
 *   the ENI that holds it (its node's groups, ENIConfig groups under custom networking, or its own
 *   branch ENI's) plus the cluster security group. Without a known CoreDNS pod, any CIDR rule for
 *   port 53 counts.
 * Pods whose groups are not all known (missing, malformed, lookup failed) are left to the other checks.
 */
function podGroups(a: SgpAnalysis, p: KubePod, fallback: readonly string[]): SecurityGroupRecord[] | null {
  const ids = actualGroups(a, p) ?? fallback;
  const groups: SecurityGroupRecord[] = [];
  for (const id of ids) {
    const s = a.groupStatus(id);
    if (s.state !== 'found') return null;
    groups.push(s.group);
  }
  return groups.length ? groups : null;
}

function nodePeer(a: SgpAnalysis, n: KubeNode | undefined): Peer {
  const inst = n?.instanceId ? a.inv.instances.get(n.instanceId) : undefined;
  const eniConfig = n?.customNetworking ? a.k.eniConfigs.get(n.customNetworking.eniConfig) : undefined;
  const clusterSg = a.cluster?.clusterSecurityGroupId;
  // The node's own groups (its primary IP), and the ENIConfig's for pods on its secondary ENIs: counting both can only hide a finding.
  return { ip: inst?.privateIp ?? 'any', groupIds: [...(inst?.securityGroupIds ?? []), ...(eniConfig?.securityGroups ?? []), ...(clusterSg ? [clusterSg] : [])] };
}

function dnsPeers(a: SgpAnalysis): Array<{ name: string; peer: Peer }> {
  const clusterSg = a.cluster?.clusterSecurityGroupId;
  const dns = a.k.pods.filter((p) => p.namespace === 'kube-system' && p.sgp.labels[KUBE_DNS_LABEL.key] === KUBE_DNS_LABEL.value && p.phase === 'Running' && p.sgp.podIp);
  if (!dns.length) return [{ name: 'CoreDNS (no running pod found)', peer: { ip: 'any', groupIds: clusterSg ? [clusterSg] : [] } }];
  return dns.map((p) => {
    const own = actualGroups(a, p);
    const onNode = nodePeer(a, p.nodeName ? a.nodes.get(p.nodeName) : undefined);
    return { name: `${p.name} (${p.sgp.podIp})`, peer: { ip: p.sgp.podIp!, groupIds: own ? [...own, ...(clusterSg ? [clusterSg] : [])] : onNode.groupIds } };
  });
}

export const sgpSgRules = defineCheck({
  id: 'sgp-sg-rules',
  summary: "Pods whose own security groups block kubelet's probes or DNS to CoreDNS",
  codes: {
    SGP_SG_BLOCKS_PROBES: {
      severity: 'warning',
      title: "A pod's security groups do not let kubelet reach its liveness, readiness or startup probe ports.",
      why: "With POD_SECURITY_GROUP_ENFORCING_MODE=strict (the default) all of a branch pod's traffic passes its own security groups, kubelet's probes included; they come from the node. If no ingress rule allows the probe port from the node (the cluster security group, the node's groups, or a CIDR holding its IP) the probes time out: readiness never passes and liveness restarts the containers. The EKS docs require inbound from the cluster security group on the probe ports. Not judged in `standard` mode, where traffic from the node is not enforced, nor when aws-node could not be read.",
      fix: 'Add an inbound rule to one of the pod\'s groups: TCP on the probe port (details) from the cluster security group (`aws ec2 authorize-security-group-ingress --group-id <pod sg> --protocol tcp --port <port> --source-group <cluster sg>`). New rules apply at once, no pod restart needed.',
    },
    SGP_SG_BLOCKS_DNS: {
      severity: 'warning',
      title: "A pod's security groups do not allow DNS (TCP and UDP 53) to CoreDNS.",
      why: "A branch pod's egress passes its own security groups. The EKS docs require outbound TCP and UDP 53 to the CoreDNS pods (the cluster security group, or their addresses). Without it name lookups time out, usually after the pod starts, which looks like an application failure. UDP alone is not enough: large answers fall back to TCP.",
      fix: "Add outbound rules to one of the pod's groups: UDP and TCP 53 to the cluster security group (or to the CoreDNS nodes' groups), e.g. `aws ec2 authorize-security-group-egress --group-id <pod sg> --ip-permissions IpProtocol=udp,FromPort=53,ToPort=53,UserIdGroupPairs=[{GroupId=<cluster sg>}]` and the same for tcp.",
    },
  },
  run(inv, ctx) {
    const findings: Finding[] = [];
    for (const a of sgpAnalyses(inv)) {
      const strict = a.k.awsNode?.podSgEnforcingMode === 'strict';
      const peers = dnsPeers(a);
      const probeHits: Array<{ pod: KubePod; groups: string[]; blocked: Array<{ container: string; kind: string; port: number; portName: string | null }> }> = [];
      const dnsHits: Array<{ pod: KubePod; groups: string[]; blocked: Array<{ protocol: string; unreachable: string[] }> }> = [];
      for (const { pod, match } of a.selected) {
        const groups = podGroups(a, pod, match.groupIds);
        if (!groups) continue;
        const ids = groups.map((g) => g.id);
        if (strict) {
          const peer = nodePeer(a, pod.nodeName ? a.nodes.get(pod.nodeName) : undefined);
          const blocked = pod.sgp.probes
            .filter((pr): pr is typeof pr & { port: number } => pr.port !== null && !allows(groups, 'ingress', 'tcp', pr.port, peer))
            .map((pr) => ({ container: pr.container, kind: pr.kind, port: pr.port, portName: pr.portName }));
          if (blocked.length) probeHits.push({ pod, groups: ids, blocked });
        }
        const blocked = (['udp', 'tcp'] as const)
          .map((protocol) => ({ protocol, unreachable: peers.filter((d) => !allows(groups, 'egress', protocol, 53, d.peer)).map((d) => d.name) }))
          .filter((b) => b.unreachable.length > 0);
        if (blocked.length) dnsHits.push({ pod, groups: ids, blocked });
      }
      const emit = <T extends { pod: KubePod; groups: string[] }>(code: 'SGP_SG_BLOCKS_PROBES' | 'SGP_SG_BLOCKS_DNS', hits: T[], say: (first: T) => string, extra: (first: T) => Record<string, unknown>) => {
        for (const [id, group] of groupBy(hits, (h) => workloadKey(h.pod))) {
          const first = group[0]!;
          findings.push({
            code,
            severity: 'warning',
            resource: { type: 'workload', id },
            cluster: a.k.cluster,
            region: inv.region,
            reason: `${first.pod.workload.kind} ${first.pod.namespace}/${first.pod.workload.name} (${group.length} pod${group.length === 1 ? '' : 's'}): ${say(first)} with security groups ${first.groups.join(', ')}`,
            details: { namespace: first.pod.namespace, workload: first.pod.workload, groupIds: first.groups, podCount: group.length, pods: group.slice(0, ctx.config.sgp.maxListedPods).map((h) => h.pod.name), clusterSecurityGroupId: a.cluster?.clusterSecurityGroupId ?? null, ...extra(first) },
          });
        }
      };
      emit('SGP_SG_BLOCKS_PROBES', probeHits, (h) => `kubelet cannot reach ${h.blocked.map((b) => `the ${b.kind} probe on port ${b.port}${b.portName ? ` (${b.portName})` : ''}`).join(', ')}`, (h) => ({ blockedProbes: h.blocked, enforcingMode: 'strict' }));
      emit('SGP_SG_BLOCKS_DNS', dnsHits, (h) => `no ${h.blocked.map((b) => b.protocol.toUpperCase()).join(' or ')} 53 to ${[...new Set(h.blocked.flatMap((b) => b.unreachable))].join(', ')}`, (h) => ({ blocked: h.blocked }));
    }
    return findings;
  },
});
