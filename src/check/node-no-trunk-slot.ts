import type { Finding } from '../model/finding.js';
import { defineCheck } from './define.js';
import { sgpAnalyses } from './sgp/analysis.js';

/** SGP nodes that can have a trunk but have no free ENI slot to attach it (issue #4). */
export const nodeNoTrunkSlot = defineCheck({
  id: 'node-no-trunk-slot',
  summary: 'Security Groups for Pods nodes without a trunk ENI because every ENI slot of the instance is taken',
  codes: {
    NODE_NO_TRUNK_SLOT: {
      severity: 'warning',
      title: 'A node that should have a trunk ENI has none, because every network interface slot is taken.',
      why: "The trunk ENI takes one of the instance's network interface slots on its default card. ipamd keeps a slot free for it once ENABLE_POD_ENI is on, but ENIs attached before that (the CNI's own, or anyone else's) can fill the instance; then ipamd logs \"No slot available for a trunk ENI to be attached\", the node never advertises vpc.amazonaws.com/pod-eni, and pods a SecurityGroupPolicy selects cannot run there. The EKS docs' remedy is to scale down running pods so the CNI frees an ENI. Counted from EC2: ENIs attached to the instance on card 0 against the type's maximum.",
      fix: "Drain the node (or scale down its pods) so ipamd releases an ENI and the trunk can attach, or replace the node: new nodes get the trunk before the CNI's secondary ENIs. Check WARM_ENI_TARGET/WARM_IP_TARGET, which can hold ENIs idle.",
    },
  },
  run(inv) {
    const findings: Finding[] = [];
    for (const a of sgpAnalyses(inv)) {
      for (const n of a.k.nodes) {
        if (!n.securityGroupsForPods.enabled || n.trunkEniId || n.limits?.trunking !== true || !n.instanceId || n.computeType === 'auto') continue;
        const attached = inv.instances.get(n.instanceId)?.defaultCardEnis ?? null;
        if (attached === null || attached < n.limits.enis) continue;
        const waiting = a.selected.filter((s) => s.pod.nodeName === n.name && s.pod.phase !== 'Running').length;
        findings.push({
          code: 'NODE_NO_TRUNK_SLOT',
          severity: 'warning',
          resource: { type: 'node', id: n.name },
          cluster: a.k.cluster,
          region: inv.region,
          reason: `Node ${n.name} (${n.instanceType ?? 'unknown type'}) has all ${n.limits.enis} network interface slots taken and no trunk ENI, so pods with their own security groups cannot run there${waiting ? ` (${waiting} waiting)` : ''}`,
          details: { instanceId: n.instanceId, instanceType: n.instanceType, attachedEnis: attached, maxEnis: n.limits.enis, sgpSignals: n.securityGroupsForPods.signals, waitingPods: waiting },
        });
      }
    }
    return findings;
  },
});
