import type { Finding } from '../model/finding.js';
import type { Inventory } from '../model/inventory.js';
import { defineCheck } from './define.js';
import { isLeakCandidate, orphanProofs } from './orphan-proofs.js';

interface SubnetUse {
  clusters: Set<string>;
  roles: Set<'node' | 'eniconfig' | 'eni'>;
}

/**
 * Subnets the clusters use: their nodes' subnets and ENIConfig subnets (Kubernetes), and the
 * subnets of their EKS-owned ENIs (EC2), so the check still works while Kubernetes is unreachable.
 */
export function subnetsInUse(inv: Inventory): Map<string, SubnetUse> {
  const out = new Map<string, SubnetUse>();
  const add = (id: string | null, cluster: string | null, role: 'node' | 'eniconfig' | 'eni') => {
    if (!id) return;
    const u = out.get(id) ?? { clusters: new Set<string>(), roles: new Set<'node' | 'eniconfig' | 'eni'>() };
    if (cluster) u.clusters.add(cluster);
    u.roles.add(role);
    out.set(id, u);
  };
  for (const k of inv.kubernetes ?? []) {
    for (const n of k.nodes) add(n.subnetId, k.cluster, 'node');
    for (const c of k.eniConfigs.values()) add(c.subnet, k.cluster, 'eniconfig');
  }
  for (const e of inv.networkInterfaces) if (e.ownedByEks) add(e.subnetId, e.cluster, 'eni');
  return out;
}

/** IPs held in a subnet by ENIs proven orphaned: what a cleanup would give back. */
function leakedIps(inv: Inventory, subnetId: string): { enis: number; ips: number } {
  let enis = 0;
  let ips = 0;
  for (const e of inv.networkInterfaces) {
    if (e.subnetId !== subnetId || e.kind === 'lookalike' || e.kind === 'other' || !isLeakCandidate(e) || orphanProofs(e, inv).length === 0) continue;
    enis++;
    ips += e.privateIpCount;
  }
  return { enis, ips };
}

/** Subnets of the clusters running out of free addresses (issue #3). */
export const subnetIpPressure = defineCheck({
  id: 'subnet-ip-pressure',
  summary: "Subnets used by the clusters' nodes, ENIConfigs and ENIs that are running out of free IPs",
  codes: {
    SUBNET_IP_PRESSURE: {
      severity: 'warning',
      title: 'A subnet the cluster uses for nodes or pods is running out of free IP addresses.',
      why: 'Every pod IP, warm IP, prefix and ENI comes out of the subnet. When it runs dry EC2 answers InsufficientFreeAddressesInSubnet: nodes cannot attach ENIs, pods stay in ContainerCreating, new nodes fail to join. Leaked ENIs (LEAKED_* findings) hold addresses nobody uses; the finding says how many. Warning below 64 free addresses or 15 %, critical below 16 or 5 % (`capacity.subnet*`).',
      fix: 'Clean up leaked ENIs (`vpc-cni-auditor cleanup --execute`), lower WARM_IP_TARGET/WARM_ENI_TARGET, add subnets (custom networking with ENIConfigs in a secondary CIDR such as 100.64.0.0/10), or move node groups to larger subnets.',
    },
  },
  run(inv, ctx) {
    const cfg = ctx.config.capacity;
    const findings: Finding[] = [];
    if (!inv.subnets) return findings;
    for (const [id, use] of [...subnetsInUse(inv)].sort(([a], [b]) => a.localeCompare(b))) {
      const s = inv.subnets.get(id);
      if (!s) continue;
      const free = Math.max(0, s.availableIps);
      const percent = s.usableIps ? Math.round((free / s.usableIps) * 1000) / 10 : null;
      const below = (ips: number, pct: number) => free < ips || (percent !== null && percent < pct);
      const severity = below(cfg.subnetCriticalFreeIps, cfg.subnetCriticalFreePercent) ? 'critical' : below(cfg.subnetWarningFreeIps, cfg.subnetWarningFreePercent) ? 'warning' : null;
      if (!severity) continue;
      const leaked = leakedIps(inv, id);
      const clusters = [...use.clusters].sort();
      findings.push({
        code: 'SUBNET_IP_PRESSURE',
        severity,
        resource: { type: 'subnet', id },
        cluster: clusters.length === 1 ? clusters[0]! : null,
        region: inv.region,
        reason: `Subnet ${id} (${s.cidr ?? 'unknown CIDR'}, ${s.availabilityZone ?? '?'}) has ${free} free IPs${percent !== null ? ` (${percent} % of ${s.usableIps})` : ''}${leaked.ips ? `; ${leaked.ips} are held by ${leaked.enis} leaked ENI${leaked.enis === 1 ? '' : 's'}` : ''}`,
        details: {
          vpcId: s.vpcId,
          availabilityZone: s.availabilityZone,
          cidr: s.cidr,
          availableIps: free,
          usableIps: s.usableIps,
          freePercent: percent,
          leakedEnis: leaked.enis,
          leakedIps: leaked.ips,
          usedFor: [...use.roles].sort(),
          clusters,
        },
      });
    }
    return findings;
  },
});
