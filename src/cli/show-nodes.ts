import { allNodeUsage, type NodeUsage } from '../check/capacity/node-usage.js';
import type { Inventory } from '../model/inventory.js';

/** One row of `scan --show nodes` (docs/output.md `nodes`). */
export interface NodeRow {
  cluster: string | null;
  node: string;
  instanceType: string | null;
  pods: number;
  /** Pods holding a VPC IP of the node's ENIs, and the capacity they are judged against. */
  vpcIpPods: number;
  podCapacity: number | null;
  limitedBy: 'eni' | 'kubelet' | null;
  branchEnisUsed: number;
  branchEniLimit: number | null;
  trunk: NodeUsage['branch']['trunk'];
  subnetId: string | null;
  subnetFreeIps: number | null;
}

export function nodeRows(inv: Inventory): NodeRow[] {
  return allNodeUsage(inv).map((u) => ({
    cluster: u.cluster,
    node: u.node.name,
    instanceType: u.node.instanceType,
    pods: u.pods,
    vpcIpPods: u.vpcIpPods,
    podCapacity: u.ip.capacity,
    limitedBy: u.ip.limitedBy,
    branchEnisUsed: u.branch.used,
    branchEniLimit: u.branch.limit,
    trunk: u.branch.trunk,
    subnetId: u.podSubnetId,
    subnetFreeIps: u.podSubnet ? u.podSubnet.availableIps : null,
  }));
}

const dash = (v: unknown) => (v === null || v === undefined ? '-' : String(v));

/** The per-node table: pods/capacity, branch ENIs used/limit, free IPs in the pods' subnet. */
export function formatNodes(inv: Inventory): string {
  const rows = nodeRows(inv);
  if (rows.length === 0) {
    const why = inv.kubernetes === undefined || inv.kubernetes.length === 0 ? 'Kubernetes was not read (see --kubernetes, and the gaps below)' : 'no nodes';
    return `\nNodes: ${why}.\n`;
  }
  const table = [
    ['CLUSTER', 'NODE', 'TYPE', 'PODS/CAPACITY', 'LIMIT', 'BRANCH ENIS', 'SUBNET', 'FREE IPS'],
    ...rows.map((r) => [
      dash(r.cluster), r.node, dash(r.instanceType), `${r.vpcIpPods}/${dash(r.podCapacity)}`, dash(r.limitedBy),
      r.branchEniLimit === null && r.branchEnisUsed === 0 ? '-' : `${r.branchEnisUsed}/${dash(r.branchEniLimit)}${r.trunk === 'missing' ? ' (no trunk)' : ''}`,
      dash(r.subnetId), dash(r.subnetFreeIps),
    ]),
  ];
  const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
  return `\n${table.map((row) => row.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n')}\n`;
}
