import type { Finding } from '../model/finding.js';
import type { KubePod } from '../model/kubernetes.js';
import { defineCheck } from './define.js';
import { groupBy, podKey, sgpAnalyses, stuckAfter, workloadKey } from './sgp/analysis.js';
import { humanDuration, secondsSince, type Failure } from './sgp/events.js';

interface Stuck {
  pod: KubePod;
  failure: Failure;
  groupId: string | null;
  policy: string | null;
}

/**
 * Pods the resource controller could not give a branch ENI because a security group does not
 * exist (issue #4): the seeds' most painful case, whose only trace is an event deep in the pod.
 */
export const podStuckInvalidSg = defineCheck({
  id: 'pod-stuck-invalid-sg',
  summary: 'Pods stuck without a branch ENI because a SecurityGroupPolicy names a security group that does not exist',
  codes: {
    POD_STUCK_INVALID_SG: {
      severity: 'critical',
      title: 'Pods are stuck in ContainerCreating because a security group their policy names does not exist.',
      why: "The VPC resource controller creates each selected pod's branch ENI with the groups of every SecurityGroupPolicy that selects it. When one group does not exist (a typo, or a group deleted after the policy was written) CreateNetworkInterface fails with InvalidSecurityGroupID.NotFound: the pod gets a `BranchAllocationFailed` event, the CNI then fails its sandbox with `failed to assign an IP address to container`, and the pod stays ContainerCreating for good. The controller gives up after five retries. One finding per namespace, workload, policy and missing group, naming the pods, how long they have been stuck and the policies that name the group (policy `-`: no current policy names it, the pod was admitted with an older policy).",
      fix: 'Correct the group id in the SecurityGroupPolicy (`kubectl edit sgp -n <namespace> <policy>`), or recreate the group, then delete the stuck pods so their controller recreates them: policy changes apply only to new pods. SGP_UNKNOWN_SG lists every policy naming a missing group, including those no pod has hit yet.',
    },
  },
  run(inv, ctx) {
    const findings: Finding[] = [];
    const maxListed = ctx.config.sgp.maxListedPods;
    for (const a of sgpAnalyses(inv)) {
      const stuck: Stuck[] = [];
      for (const [key, failure] of a.invalidSg) {
        const pod = a.pods.get(key);
        // Events outlive their pods (one hour by default): a deleted pod is nobody's problem now.
        if (!pod || !stuckAfter(pod, failure.lastAt)) continue;
        const policies = a.matchOf(pod)?.policies ?? [];
        for (const groupId of failure.groupIds.length ? failure.groupIds : [null]) {
          const naming = groupId ? policies.filter((p) => p.groupIds.includes(groupId)).map((p) => p.name) : [];
          for (const policy of naming.length ? naming : [null]) stuck.push({ pod, failure, groupId, policy });
        }
      }
      for (const [id, group] of groupBy(stuck, (s) => `${workloadKey(s.pod)}/${s.policy ?? '-'}/${s.groupId ?? '-'}`)) {
        const { pod: first, groupId, policy } = group[0]!;
        const pods = [...new Map(group.map((s) => [podKey(s.pod), s])).values()];
        // The earlier of creation and first failure: a recreated pod object can be younger than the events about its name.
        const since = pods.flatMap((s) => [s.pod.createdAt, s.failure.firstAt]).filter((t): t is string => !!t).sort()[0] ?? null;
        const firstFailureAt = pods.map((s) => s.failure.firstAt).filter((t): t is string => !!t).sort()[0] ?? null;
        const latest = [...pods].sort((x, y) => (y.failure.lastAt ?? '').localeCompare(x.failure.lastAt ?? ''))[0]!;
        const stuckSeconds = secondsSince(since, ctx.now);
        const what = groupId ? `security group ${groupId}` : 'a security group (id not in the message)';
        const via = policy ? `named by SecurityGroupPolicy ${first.namespace}/${policy}` : 'named by no current SecurityGroupPolicy';
        findings.push({
          code: 'POD_STUCK_INVALID_SG',
          severity: 'critical',
          resource: { type: 'workload', id },
          cluster: a.k.cluster,
          region: inv.region,
          reason: `${pods.length} pod${pods.length === 1 ? '' : 's'} of ${first.workload.kind} ${first.namespace}/${first.workload.name} ${pods.length === 1 ? 'has' : 'have'} no branch ENI${stuckSeconds !== null ? ` for ${humanDuration(stuckSeconds)}` : ''}: ${what}, ${via}, does not exist (BranchAllocationFailed InvalidSecurityGroupID.NotFound)`,
          details: {
            namespace: first.namespace,
            workload: first.workload,
            policy: policy ? { namespace: first.namespace, name: policy } : null,
            missingGroupIds: groupId ? [groupId] : [],
            podCount: pods.length,
            pods: pods.slice(0, maxListed).map((s) => s.pod.name),
            phases: Object.fromEntries(groupBy(pods, (s) => s.pod.phase).map(([phase, list]) => [phase, list.length])),
            stuckSince: since,
            stuckSeconds,
            firstFailureAt,
            lastFailureAt: latest.failure.lastAt,
            failureEvents: pods.reduce((n, s) => n + s.failure.count, 0),
            message: latest.failure.message,
          },
        });
      }
    }
    return findings;
  },
});
