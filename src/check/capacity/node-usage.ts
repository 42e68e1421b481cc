import type { KubeNode, KubePod, KubernetesCluster, SubnetRecord } from '../../model/kubernetes.js';
import type { Inventory } from '../../model/inventory.js';
import { branchLimit, podCapacity, type PodCapacity } from '../../limits/pod-capacity.js';

/**
 * What one node uses and can hold, shared by the capacity checks and `scan --show nodes`. Pure.
 *
 * IP capacity is counted for the pods that take an IP from the node's ENIs: not host-network, not
 * finished (Succeeded/Failed release their IP), not branch pods (those get a branch ENI instead).
 * kubelet's limit (allocatable pods) covers every pod, so the host-network and branch pods on the
 * node are taken off it first; eni-max-pods.txt's "+2" is the same allowance for host-network pods,
 * which is why the ENI side here is podIps (no +2) and host-network pods are counted, not assumed.
 */
export interface NodeUsage {
  cluster: string | null;
  node: KubeNode;
  /** Non-terminal pods bound to the node. */
  pods: number;
  hostNetworkPods: number;
  branchPods: number;
  /** Pods holding a secondary IP (or a prefix address) of the node's ENIs. */
  vpcIpPods: number;
  ip: {
    /** min(eniLimit, kubeletLimit) over the known ones; null when neither is known. */
    capacity: number | null;
    eniLimit: number | null;
    kubeletLimit: number | null;
    limitedBy: 'eni' | 'kubelet' | null;
    eni: PodCapacity | null;
    /** How prefix delegation was decided: aws-node, inferred from usage, or assumed off. */
    prefixDelegationFrom: 'aws-node' | 'inferred' | 'assumed-off' | null;
  };
  branch: {
    used: number;
    /** The node's advertised pod-eni capacity, else (with a trunk) the limits table; 0 when the trunk is missing. */
    limit: number | null;
    limitSource: 'node' | 'table' | null;
    /**
     * attached: EC2 shows the trunk. missing: the node advertises branch ENIs (capacity or CNINode
     * feature) but has no trunk. not-attached: SGP is on (aws-node) but nothing was set up yet on
     * this node, so it takes no branch pods. unknown: no instance id to look the trunk up by.
     */
    trunk: 'attached' | 'missing' | 'not-attached' | 'unknown' | 'not-enabled';
  };
  /** Where the node's pods get IPs: its own subnet, or the ENIConfig's with custom networking. */
  podSubnet: SubnetRecord | null;
  podSubnetId: string | null;
}

export const isTerminal = (p: KubePod): boolean => p.phase === 'Succeeded' || p.phase === 'Failed';

/** Fargate and hybrid nodes do not get pod IPs from EC2 ENIs of an instance: not judged. */
export const judgedNode = (n: KubeNode): boolean => n.computeType !== 'fargate' && n.computeType !== 'hybrid';

function eniSide(n: KubeNode, vpcIpPods: number): Pick<NodeUsage['ip'], 'eni' | 'eniLimit' | 'prefixDelegationFrom'> {
  // EKS Auto Mode manages node networking itself; its ENI layout is not the VPC CNI's.
  if (!n.limits || n.computeType === 'auto') return { eni: null, eniLimit: null, prefixDelegationFrom: null };
  const limits = n.maxEni !== null ? { ...n.limits, enis: Math.min(n.limits.enis, n.maxEni) } : n.limits;
  const opts = { customNetworking: n.customNetworking !== null, securityGroupsForPods: n.securityGroupsForPods.enabled };
  if (n.prefixDelegation !== null) {
    const eni = podCapacity(limits, { ...opts, prefixDelegation: n.prefixDelegation });
    return { eni, eniLimit: eni.podIps, prefixDelegationFrom: 'aws-node' };
  }
  // aws-node unreadable: assume secondary IPs, unless more pods hold IPs than that allows, which
  // only prefix delegation explains. If even that does not fit, the ENI side is not known.
  const off = podCapacity(limits, { ...opts, prefixDelegation: false });
  if (vpcIpPods <= off.podIps) return { eni: off, eniLimit: off.podIps, prefixDelegationFrom: 'assumed-off' };
  const on = podCapacity(limits, { ...opts, prefixDelegation: true });
  if (on.prefixDelegation && vpcIpPods <= on.podIps) return { eni: on, eniLimit: on.podIps, prefixDelegationFrom: 'inferred' };
  return { eni: null, eniLimit: null, prefixDelegationFrom: null };
}

/** The node tells the scheduler it has branch ENIs, or ipamd told the resource controller it wants them. */
export const advertisesBranchEnis = (n: KubeNode): boolean => (n.podEniAllocatable ?? 0) > 0 || n.securityGroupsForPods.signals.includes('cninode-feature');

function branchSide(n: KubeNode, used: number): NodeUsage['branch'] {
  const trunk: NodeUsage['branch']['trunk'] = !n.securityGroupsForPods.enabled ? 'not-enabled'
    : n.trunkEniId ? 'attached'
      : !n.instanceId ? 'unknown'
        : advertisesBranchEnis(n) ? 'missing' : 'not-attached';
  const advertised = n.podEniAllocatable;
  const table = trunk === 'attached' && n.limits ? branchLimit(n.limits) : null;
  const limitSource = advertised !== null ? 'node' : table !== null ? 'table' : null;
  // No trunk, no branch ENIs, whatever the node still advertises (the scheduler keeps placing pods).
  return { used, limit: trunk === 'missing' ? 0 : advertised ?? table, limitSource, trunk };
}

/** `podsOnNode`: the node's pods when the caller has grouped them (allNodeUsage); default every pod of the cluster. */
export function nodeUsage(k: KubernetesCluster, n: KubeNode, subnets: Inventory['subnets'], podsOnNode: readonly KubePod[] = k.pods): NodeUsage {
  let hostNetworkPods = 0;
  let branchPods = 0;
  let vpcIpPods = 0;
  let pods = 0;
  let branchUsed = 0;
  for (const p of podsOnNode) {
    if (p.nodeName !== n.name || isTerminal(p)) continue;
    pods++;
    if (p.hostNetwork) hostNetworkPods++;
    else if (p.podEniRequest > 0) {
      branchPods++;
      branchUsed += p.podEniRequest;
    } else vpcIpPods++;
  }
  const kubeletLimit = n.allocatablePods === null ? null : Math.max(0, n.allocatablePods - hostNetworkPods - branchPods);
  const { eni, eniLimit, prefixDelegationFrom } = eniSide(n, vpcIpPods);
  const known = [eniLimit, kubeletLimit].filter((x): x is number => x !== null);
  const capacity = known.length ? Math.min(...known) : null;
  const limitedBy = capacity === null ? null : capacity === eniLimit ? 'eni' : 'kubelet';
  const podSubnetId = n.customNetworking ? k.eniConfigs.get(n.customNetworking.eniConfig)?.subnet ?? null : n.subnetId;
  return {
    cluster: k.cluster,
    node: n,
    pods,
    hostNetworkPods,
    branchPods,
    vpcIpPods,
    ip: { capacity, eniLimit, kubeletLimit, limitedBy, eni, prefixDelegationFrom },
    branch: branchSide(n, branchUsed),
    podSubnet: podSubnetId ? subnets?.get(podSubnetId) ?? null : null,
    podSubnetId,
  };
}

/** Every judged node of every cluster in the inventory, in cluster then node order. */
export function allNodeUsage(inv: Inventory): NodeUsage[] {
  const out: NodeUsage[] = [];
  for (const k of inv.kubernetes ?? []) {
    // Group pods by node once: scanning every pod for every node is quadratic (bench: 5k nodes × 150k pods).
    const byNode = new Map<string, KubePod[]>();
    for (const p of k.pods) {
      if (p.nodeName === null) continue;
      const list = byNode.get(p.nodeName);
      if (list) list.push(p);
      else byNode.set(p.nodeName, [p]);
    }
    for (const n of k.nodes) if (judgedNode(n)) out.push(nodeUsage(k, n, inv.subnets, byNode.get(n.name) ?? []));
  }
  return out;
}

/** Severity for a used/limit ratio against warning and critical percentages; null below warning. */
export function pressure(used: number, limit: number, warningPercent: number, criticalPercent: number): { percent: number; severity: 'warning' | 'critical' | null } {
  const percent = limit === 0 ? (used > 0 ? 100 : 0) : Math.round((used / limit) * 1000) / 10;
  if (limit === 0 && used === 0) return { percent, severity: null };
  return { percent, severity: percent >= criticalPercent ? 'critical' : percent >= warningPercent ? 'warning' : null };
}
