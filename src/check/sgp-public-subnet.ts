import type { Finding } from '../model/finding.js';
import type { Inventory } from '../model/inventory.js';
import type { KubePod } from '../model/kubernetes.js';
import type { RouteTableRecord } from '../model/sgp.js';
import { defineCheck } from './define.js';
import { groupBy, sgpAnalyses, workloadKey, type SgpAnalysis } from './sgp/analysis.js';

/** The route table a subnet uses: its explicit association, else its VPC's main table. */
export function routeTableOf(inv: Inventory, subnetId: string, vpcId: string | null): RouteTableRecord | null {
  const tables = inv.sgp?.routeTables ?? [];
  return tables.find((t) => t.subnetIds.includes(subnetId)) ?? (vpcId ? tables.find((t) => t.main && t.vpcId === vpcId) ?? null : null);
}

/** Where a pod's branch ENI is (EC2), or will be: the node's subnet, the ENIConfig's under custom networking. */
function branchSubnet(a: SgpAnalysis, p: KubePod): { subnetId: string; vpcId: string | null } | null {
  const eni = p.sgp.branchEnis?.[0] ? a.enis.get(p.sgp.branchEnis[0].eniId) : undefined;
  if (eni?.subnetId) return { subnetId: eni.subnetId, vpcId: eni.vpcId };
  const n = p.nodeName ? a.nodes.get(p.nodeName) : undefined;
  if (!n) return null;
  const subnetId = n.customNetworking ? a.k.eniConfigs.get(n.customNetworking.eniConfig)?.subnet ?? null : n.subnetId;
  return subnetId ? { subnetId, vpcId: a.inv.subnets?.get(subnetId)?.vpcId ?? null } : null;
}

/** Branch pods in public subnets under strict enforcement have no internet (issue #4). */
export const sgpPublicSubnet = defineCheck({
  id: 'sgp-public-subnet',
  summary: 'Pods with branch ENIs in subnets routed to an internet gateway while enforcing mode is strict',
  codes: {
    SGP_PUBLIC_SUBNET: {
      severity: 'warning',
      title: 'Pods with their own security groups sit in a public subnet in strict mode: they have no internet access.',
      why: "With POD_SECURITY_GROUP_ENFORCING_MODE=strict (the default) a branch pod's traffic is not SNATed to the node's address: it leaves through its branch ENI with its private IP. An internet gateway drops traffic from private addresses without a public IP, so in a subnet whose default route goes to an internet gateway these pods reach nothing outside the VPC (CNI README, EKS docs). Pods without their own groups on the same node are fine, which makes it confusing. Judged from EC2 route tables (explicit association, else the VPC's main table); not judged when aws-node could not be read.",
      fix: 'Run SGP pods on nodes in private subnets with a NAT gateway (a node group or Karpenter NodePool on private subnets, and a nodeSelector), or set POD_SECURITY_GROUP_ENFORCING_MODE=standard on aws-node (egress outside the VPC is then SNATed and uses the node\'s groups) and recycle the pods.',
    },
  },
  run(inv, ctx) {
    const findings: Finding[] = [];
    const looked = inv.sgp?.routeTableSubnetsLookedUp;
    if (!looked) return findings;
    for (const a of sgpAnalyses(inv)) {
      if (a.k.awsNode?.podSgEnforcingMode !== 'strict') continue;
      const branchPods = new Map<string, KubePod>();
      for (const s of a.selected) branchPods.set(`${s.pod.namespace}/${s.pod.name}`, s.pod);
      for (const p of a.k.pods) if (p.sgp.branchEnis?.length && p.phase !== 'Succeeded' && p.phase !== 'Failed') branchPods.set(`${p.namespace}/${p.name}`, p);
      const placed = [...branchPods.values()].flatMap((p) => {
        const where = branchSubnet(a, p);
        if (!where || !looked.has(where.subnetId)) return [];
        const table = routeTableOf(inv, where.subnetId, where.vpcId);
        return table?.defaultRouteTarget?.startsWith('igw-') ? [{ pod: p, subnetId: where.subnetId, table }] : [];
      });
      for (const [subnetId, group] of groupBy(placed, (x) => x.subnetId)) {
        const table = group[0]!.table;
        const workloads = groupBy(group, (x) => workloadKey(x.pod)).map(([w, list]) => ({ workload: w, pods: list.length }));
        findings.push({
          code: 'SGP_PUBLIC_SUBNET',
          severity: 'warning',
          resource: { type: 'subnet', id: subnetId },
          cluster: a.k.cluster,
          region: inv.region,
          reason: `${group.length} pod${group.length === 1 ? '' : 's'} with their own security groups ${group.length === 1 ? 'is' : 'are'} in subnet ${subnetId}, whose default route goes to internet gateway ${table.defaultRouteTarget} (route table ${table.id}); in strict mode they are not SNATed and have no internet access`,
          details: { routeTableId: table.id, internetGatewayId: table.defaultRouteTarget, enforcingMode: 'strict', podCount: group.length, workloads: workloads.slice(0, ctx.config.sgp.maxListedPods) },
        });
      }
    }
    return findings;
  },
});
