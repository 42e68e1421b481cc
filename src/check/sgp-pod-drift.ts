import type { Finding } from '../model/finding.js';
import type { KubePod } from '../model/kubernetes.js';
import { defineCheck } from './define.js';
import { actualGroups, groupBy, sgpAnalyses, workloadKey } from './sgp/analysis.js';

const same = (a: readonly string[], b: readonly string[]) => [...a].sort().join(',') === [...b].sort().join(',');

/** Running pods whose groups are not what the policies give a new pod now (issue #4). */
export const sgpPodDrift = defineCheck({
  id: 'sgp-pod-drift',
  summary: "Running pods whose branch ENI's security groups differ from what their SecurityGroupPolicies select now",
  codes: {
    SGP_POD_DRIFT: {
      severity: 'info',
      title: "Running pods have other security groups than their SecurityGroupPolicies now give.",
      why: "The resource controller picks a pod's groups once, when it creates the branch ENI; editing, adding or deleting a policy changes nothing for running pods (EKS docs; resource controller #11). The pods then run with yesterday's rules until they are replaced, which hides both fixes and mistakes: the next rollout changes the network behaviour. Also reported for running pods a policy selects that have no branch ENI at all (created before the policy), which use the node's groups. Compared with the branch ENI's groups in EC2.",
      fix: 'Roll the workload (`kubectl rollout restart deployment/<name> -n <namespace>`) once the policies say what you want; new pods get the current groups.',
    },
  },
  run(inv, ctx) {
    const findings: Finding[] = [];
    for (const a of sgpAnalyses(inv)) {
      if (!a.policies) continue;
      const drifted: Array<{ pod: KubePod; actual: string[] | null; expected: string[] }> = [];
      for (const pod of a.k.pods) {
        if (pod.phase !== 'Running' || pod.hostNetwork || pod.sgp.branchEniProblem) continue;
        const match = a.matchOf(pod);
        if (!match || match.uncertain) continue;
        const expected = match.groupIds;
        if (pod.sgp.branchEnis?.length) {
          const actual = actualGroups(a, pod);
          // The ENI was not listed (a race with its deletion, a scoped run): nothing to compare.
          if (actual && (expected.length === 0 || !same(actual, expected))) drifted.push({ pod, actual, expected });
        } else if (expected.length && pod.podEniRequest === 0) {
          drifted.push({ pod, actual: null, expected });
        }
      }
      for (const [id, group] of groupBy(drifted, (d) => workloadKey(d.pod))) {
        const first = group[0]!;
        const expected = first.expected;
        const actualSets = [...new Map(group.map((d) => [JSON.stringify(d.actual), d.actual])).values()];
        const now = expected.length ? `policies now give ${expected.join(', ')}` : 'no policy selects them now (a new pod would use the node\'s groups)';
        const had = actualSets.map((s) => (s ? s.join(', ') : 'no branch ENI (node groups)')).join(' / ');
        findings.push({
          code: 'SGP_POD_DRIFT',
          severity: 'info',
          resource: { type: 'workload', id },
          cluster: a.k.cluster,
          region: inv.region,
          reason: `${group.length} running pod${group.length === 1 ? '' : 's'} of ${first.pod.workload.kind} ${first.pod.namespace}/${first.pod.workload.name} ${group.length === 1 ? 'has' : 'have'} ${had}; ${now}`,
          details: {
            namespace: first.pod.namespace,
            workload: first.pod.workload,
            expectedGroupIds: expected,
            actualGroupIds: actualSets,
            policies: (a.matchOf(first.pod)?.policies ?? []).map((p) => p.name),
            podCount: group.length,
            pods: group.slice(0, ctx.config.sgp.maxListedPods).map((d) => ({ name: d.pod.name, groupIds: d.actual, branchEniId: d.pod.sgp.branchEnis?.[0]?.eniId ?? null })),
          },
        });
      }
    }
    return findings;
  },
});
