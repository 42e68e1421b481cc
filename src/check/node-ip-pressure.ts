import type { Finding } from '../model/finding.js';
import { defineCheck } from './define.js';
import { allNodeUsage, pressure } from './capacity/node-usage.js';

/** Pods that take a VPC IP from a node's ENIs, against what the node can hold (issue #3). */
export const nodeIpPressure = defineCheck({
  id: 'node-ip-pressure',
  summary: "Nodes close to their pod IP capacity (the smaller of kubelet's limit and the ENI-derived limit)",
  codes: {
    NODE_IP_PRESSURE: {
      severity: 'warning',
      title: 'A node is close to the number of pods it can give a VPC IP address.',
      why: "The VPC CNI gives each pod an address from the node's ENIs: default-card ENIs times (IPv4 per ENI - 1), one ENI fewer with a trunk (Security Groups for Pods) or custom networking, 16 times more with prefix delegation. kubelet's maxPods caps every pod. Past the smaller limit new pods stay ContainerCreating with `failed to assign an IP address to container`, although CPU and memory are free. Warning at 80 %, critical at 95 % by default (`capacity.nodeIpWarningPercent`, `capacity.nodeIpCriticalPercent`).",
      fix: 'Spread the pods (topology spread, more nodes), use larger instance types, or enable prefix delegation (ENABLE_PREFIX_DELEGATION=true on aws-node, Nitro instances) and raise maxPods to match. `vpc-cni-auditor limits <type>` shows the capacity under each option.',
    },
  },
  run(inv, ctx) {
    const cfg = ctx.config.capacity;
    const findings: Finding[] = [];
    for (const u of allNodeUsage(inv)) {
      if (u.ip.capacity === null) continue;
      const { percent, severity } = pressure(u.vpcIpPods, u.ip.capacity, cfg.nodeIpWarningPercent, cfg.nodeIpCriticalPercent);
      if (!severity) continue;
      const n = u.node;
      findings.push({
        code: 'NODE_IP_PRESSURE',
        severity,
        resource: { type: 'node', id: n.name },
        cluster: u.cluster,
        region: inv.region,
        reason: `Node ${n.name} (${n.instanceType ?? 'unknown type'}) runs ${u.vpcIpPods} pods with VPC IPs of ${u.ip.capacity} it can hold (${percent} %, limited by ${u.ip.limitedBy === 'eni' ? 'its ENIs' : "kubelet's maxPods"})`,
        details: {
          instanceType: n.instanceType,
          instanceId: n.instanceId,
          vpcIpPods: u.vpcIpPods,
          capacity: u.ip.capacity,
          percent,
          limitedBy: u.ip.limitedBy,
          eniLimit: u.ip.eniLimit,
          kubeletLimit: u.ip.kubeletLimit,
          allocatablePods: n.allocatablePods,
          hostNetworkPods: u.hostNetworkPods,
          branchPods: u.branchPods,
          podEniSlots: u.ip.eni?.podEniSlots ?? null,
          trunkSlot: u.ip.eni?.trunkSlot ?? null,
          customNetworking: n.customNetworking,
          prefixDelegation: u.ip.eni?.prefixDelegation ?? null,
          prefixDelegationFrom: u.ip.prefixDelegationFrom,
          limitsSource: n.limitsSource,
          subnetId: u.podSubnetId,
        },
      });
    }
    return findings;
  },
});
