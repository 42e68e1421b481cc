import type { Finding } from '../model/finding.js';
import type { KubePod } from '../model/kubernetes.js';
import { INSUFFICIENT_POD_ENI } from '../model/kube-marks.js';
import { defineCheck } from './define.js';
import { isTerminal } from './capacity/node-usage.js';

const MAX_LISTED_PODS = 20;

/** Pods the scheduler could not place for lack of a branch ENI, grouped by workload (issue #3). */
export const podsPendingBranchEni = defineCheck({
  id: 'pods-pending-branch-eni',
  summary: 'Pods whose latest scheduling failure is Insufficient vpc.amazonaws.com/pod-eni, by workload',
  codes: {
    PODS_PENDING_BRANCH_ENI: {
      severity: 'warning',
      title: 'Pods of a workload are Pending because no node has a free branch ENI.',
      why: 'Pods matched by a SecurityGroupPolicy need a branch ENI. When every node has used its `vpc.amazonaws.com/pod-eni` capacity the scheduler reports `Insufficient vpc.amazonaws.com/pod-eni` and the pods never start (VPC resource controller #154, VPC CNI #2494). Critical once a pod has waited longer than `capacity.pendingCriticalSeconds` (10 minutes).',
      fix: 'Add nodes of trunking-compatible types with more branch ENIs (`vpc-cni-auditor limits <type> --sgp`), or narrow the SecurityGroupPolicy so fewer pods need their own security groups. Check NODE_BRANCH_ENI_PRESSURE findings for the full nodes.',
    },
  },
  run(inv, ctx) {
    const findings: Finding[] = [];
    for (const k of inv.kubernetes ?? []) {
      const groups = new Map<string, KubePod[]>();
      for (const p of k.pods) {
        if (isTerminal(p) || p.nodeName || !p.schedulingFailure?.message.includes(INSUFFICIENT_POD_ENI)) continue;
        const key = `${p.namespace}/${p.workload.kind}/${p.workload.name}`;
        groups.set(key, [...(groups.get(key) ?? []), p]);
      }
      for (const [key, pods] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
        const first = pods[0]!;
        const since = pods.map((p) => p.createdAt ?? p.schedulingFailure?.at ?? null).filter((t): t is string => t !== null).sort()[0] ?? null;
        const waitedSeconds = since ? Math.max(0, Math.round((ctx.now.getTime() - new Date(since).getTime()) / 1000)) : null;
        const latest = [...pods].sort((a, b) => (b.schedulingFailure?.at ?? '').localeCompare(a.schedulingFailure?.at ?? ''))[0]!;
        findings.push({
          code: 'PODS_PENDING_BRANCH_ENI',
          severity: waitedSeconds !== null && waitedSeconds >= ctx.config.capacity.pendingCriticalSeconds ? 'critical' : 'warning',
          resource: { type: 'workload', id: key },
          cluster: k.cluster,
          region: inv.region,
          reason: `${pods.length} pod${pods.length === 1 ? '' : 's'} of ${first.workload.kind} ${first.namespace}/${first.workload.name} ${pods.length === 1 ? 'is' : 'are'} Pending: ${latest.schedulingFailure!.message}`,
          details: {
            namespace: first.namespace,
            workload: first.workload,
            podCount: pods.length,
            pods: pods.slice(0, MAX_LISTED_PODS).map((p) => p.name),
            message: latest.schedulingFailure!.message,
            messageSource: latest.schedulingFailure!.source,
            pendingSince: since,
            waitedSeconds,
          },
        });
      }
    }
    return findings;
  },
});
