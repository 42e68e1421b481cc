import type { ClusterRecord, Inventory } from '../../model/inventory.js';
import type { KubeEvent, KubeNode, KubePod, KubernetesCluster } from '../../model/kubernetes.js';
import type { NetworkInterface } from '../../model/network-interface.js';
import { SG_ID, type SecurityGroupPolicyRecord, type SecurityGroupRecord } from '../../model/sgp.js';
import { SGP_EVENT_REASONS } from '../../model/kube-marks.js';
import { isTerminal } from '../capacity/node-usage.js';
import { matchPod, type PodMatch } from './matching.js';
import { mergeFailure, missingGroupIdsOf, NO_IP_MESSAGE, podKeyOf, type Failure } from './events.js';

/**
 * What every Security Groups for Pods check reads about one cluster, computed once per inventory:
 * which policies select which pods, what the events say, which groups exist, which nodes can have
 * a trunk. Pure; memoised by object identity so ten checks do not match pods ten times.
 */
export type GroupStatus = { state: 'found'; group: SecurityGroupRecord } | { state: 'missing' | 'unknown' | 'malformed' };

/** Can the node attach branch ENIs? `unknown`: not enough data, never judged. */
export type TrunkCapability = 'ok' | 'type-not-trunking' | 'auto-mode' | 'trunk-missing' | 'unknown';

export interface SelectedPod {
  pod: KubePod;
  match: PodMatch;
}

export interface SgpAnalysis {
  inv: Inventory;
  k: KubernetesCluster;
  cluster: ClusterRecord | null;
  /** The cluster's VPC (DescribeCluster), else the one VPC all its nodes' instances are in; null when unknown. */
  vpcId: string | null;
  /** null: the policies were not read (gap or old snapshot). */
  policies: SecurityGroupPolicyRecord[] | null;
  pods: ReadonlyMap<string, KubePod>;
  nodes: ReadonlyMap<string, KubeNode>;
  /** Non-terminal, non-host-network pods that at least one valid policy selects now. */
  selected: SelectedPod[];
  /** The selected pods of each policy (built once: policies × pods scans do not scale). */
  selectedBy(policy: SecurityGroupPolicyRecord): readonly SelectedPod[];
  matchOf(pod: KubePod): PodMatch | null;
  /** BranchAllocationFailed with InvalidSecurityGroupID.NotFound, per pod key. */
  invalidSg: ReadonlyMap<string, Failure>;
  /** Any other BranchAllocationFailed, per pod key (shown as a hint by PODS_NO_IP). */
  otherBranchFailures: ReadonlyMap<string, Failure>;
  /** kubelet's FailedCreatePodSandBox "failed to assign an IP address to container", per pod key. */
  noIp: ReadonlyMap<string, Failure>;
  /** Node events TrunkENICreationFailed whose code is UnauthorizedOperation. */
  trunkUnauthorized: KubeEvent[];
  enis: ReadonlyMap<string, NetworkInterface>;
  groupStatus(id: string): GroupStatus;
  trunkCapability(node: KubeNode): TrunkCapability;
}

export const podKey = (p: KubePod): string => `${p.namespace}/${p.name}`;
export const workloadKey = (p: KubePod): string => `${p.namespace}/${p.workload.kind}/${p.workload.name}`;

/**
 * Still stuck after `failureAt`: not finished, and not running since. A pod that reached Running
 * after its last failure recovered; a Running pod without a start time is given the benefit of the
 * doubt (only a sandbox with a network runs containers).
 */
export function stuckAfter(p: KubePod, failureAt: string | null): boolean {
  if (isTerminal(p)) return false;
  if (p.phase !== 'Running') return true;
  return p.sgp.runningSince !== null && failureAt !== null && p.sgp.runningSince < failureAt;
}

const cache = new WeakMap<Inventory, Map<KubernetesCluster, SgpAnalysis>>();

export function sgpAnalysis(inv: Inventory, k: KubernetesCluster): SgpAnalysis {
  let perInv = cache.get(inv);
  if (!perInv) cache.set(inv, (perInv = new Map()));
  let a = perInv.get(k);
  if (!a) perInv.set(k, (a = analyse(inv, k)));
  return a;
}

/** ENIs by id, once per inventory: once per cluster costs clusters × ENIs (bench: 12 × 100k). */
const enisByInventory = new WeakMap<Inventory, ReadonlyMap<string, NetworkInterface>>();
function enisOf(inv: Inventory): ReadonlyMap<string, NetworkInterface> {
  let m = enisByInventory.get(inv);
  if (!m) enisByInventory.set(inv, (m = new Map(inv.networkInterfaces.map((e) => [e.id, e]))));
  return m;
}

/** Every cluster of the inventory, analysed. */
export const sgpAnalyses = (inv: Inventory): SgpAnalysis[] => (inv.kubernetes ?? []).map((k) => sgpAnalysis(inv, k));

function analyse(inv: Inventory, k: KubernetesCluster): SgpAnalysis {
  const policies = k.sgp.policies;
  const byNamespace = new Map<string, SecurityGroupPolicyRecord[]>();
  for (const p of policies ?? []) {
    const list = byNamespace.get(p.namespace);
    if (list) list.push(p);
    else byNamespace.set(p.namespace, [p]);
  }
  const pods = new Map(k.pods.map((p) => [podKey(p), p]));
  const matches = new Map<string, PodMatch>();
  const selected: SelectedPod[] = [];
  for (const p of k.pods) {
    if (isTerminal(p) || p.hostNetwork || !policies) continue;
    const m = matchPod(p, byNamespace.get(p.namespace) ?? [], k.sgp.serviceAccountLabels);
    matches.set(podKey(p), m);
    if (m.policies.length) selected.push({ pod: p, match: m });
  }

  const byPolicy = new Map<SecurityGroupPolicyRecord, SelectedPod[]>();
  for (const s of selected) {
    for (const p of s.match.policies) {
      const list = byPolicy.get(p);
      if (list) list.push(s);
      else byPolicy.set(p, [s]);
    }
  }

  const invalidSg = new Map<string, Failure>();
  const otherBranchFailures = new Map<string, Failure>();
  const noIp = new Map<string, Failure>();
  const trunkUnauthorized: KubeEvent[] = [];
  for (const e of k.events) {
    if (e.type !== 'Warning') continue;
    if (e.reason === SGP_EVENT_REASONS.trunkCreationFailed && e.involvedObject.kind === 'Node' && e.message.includes('UnauthorizedOperation')) trunkUnauthorized.push(e);
    const key = podKeyOf(e);
    if (!key) continue;
    if (e.reason === SGP_EVENT_REASONS.branchAllocationFailed) {
      const ids = missingGroupIdsOf(e.message);
      if (ids) invalidSg.set(key, mergeFailure(invalidSg.get(key), e, ids));
      else otherBranchFailures.set(key, mergeFailure(otherBranchFailures.get(key), e, []));
    } else if (e.reason === SGP_EVENT_REASONS.sandboxFailed && e.message.includes(NO_IP_MESSAGE)) {
      noIp.set(key, mergeFailure(noIp.get(key), e, []));
    }
  }

  const enis = enisOf(inv);
  const sgp = inv.sgp;
  const groupStatus = (id: string): GroupStatus => {
    if (!SG_ID.test(id)) return { state: 'malformed' };
    const group = sgp?.securityGroups.get(id);
    if (group) return { state: 'found', group };
    return sgp?.securityGroupIdsLookedUp.has(id) ? { state: 'missing' } : { state: 'unknown' };
  };
  const trunkCapability = (n: KubeNode): TrunkCapability => {
    // EKS Auto Mode does not support Security Groups for Pods, and the resource controller skips its nodes.
    if (n.computeType === 'auto') return 'auto-mode';
    if (n.limits?.trunking === false) return 'type-not-trunking';
    if (n.trunkEniId) return 'ok';
    if (n.limits?.trunking === true && n.instanceId) return 'trunk-missing';
    return 'unknown';
  };

  const cluster = k.cluster ? inv.clusters.get(k.cluster) ?? null : null;
  const nodeVpcs = new Set(k.nodes.map((n) => (n.instanceId ? inv.instances.get(n.instanceId)?.vpcId : null)).filter((v): v is string => !!v));
  return {
    inv,
    k,
    cluster,
    vpcId: cluster?.vpcId ?? (nodeVpcs.size === 1 ? [...nodeVpcs][0]! : null),
    policies,
    pods,
    nodes: new Map(k.nodes.map((n) => [n.name, n])),
    selected,
    selectedBy: (p) => byPolicy.get(p) ?? [],
    matchOf: (p) => matches.get(podKey(p)) ?? null,
    invalidSg,
    otherBranchFailures,
    noIp,
    trunkUnauthorized,
    enis,
    groupStatus,
    trunkCapability,
  };
}

/** Groups items by a key, keys in sorted order. */
export function groupBy<T>(items: readonly T[], key: (t: T) => string): Array<[string, T[]]> {
  const m = new Map<string, T[]>();
  for (const t of items) {
    const k = key(t);
    const list = m.get(k);
    if (list) list.push(t);
    else m.set(k, [t]);
  }
  return [...m].sort(([a], [b]) => a.localeCompare(b));
}

/** The groups a pod's branch ENI has now (from EC2), when the pod has one and it was listed. */
export function actualGroups(a: SgpAnalysis, p: KubePod): string[] | null {
  const eniId = p.sgp.branchEnis?.[0]?.eniId;
  const eni = eniId ? a.enis.get(eniId) : undefined;
  return eni ? [...eni.securityGroupIds].sort() : null;
}
