import type { KubePod } from '../../model/kubernetes.js';
import type { SecurityGroupPolicyRecord } from '../../model/sgp.js';
import { matchesSelector } from '../../util/label-selector.js';

/**
 * Which SecurityGroupPolicies select a pod, and the groups its branch ENI gets: the resource
 * controller's filterPodSecurityGroups (pkg/utils/helper.go; docs/domain-facts §6). Policies of the
 * pod's namespace only; invalid ones are skipped; with both selectors set both must match; `{}`
 * matches everything; group ids of all matching policies are unioned and de-duplicated in order.
 */
export interface PodMatch {
  policies: SecurityGroupPolicyRecord[];
  groupIds: string[];
  /** Set when a policy could not be judged (its serviceAccountSelector, without the service account's labels). */
  uncertain: string | null;
}

export function matchPod(
  pod: KubePod,
  policiesInNamespace: readonly SecurityGroupPolicyRecord[],
  serviceAccountLabels: ReadonlyMap<string, Readonly<Record<string, string>>> | null,
): PodMatch {
  const policies: SecurityGroupPolicyRecord[] = [];
  let uncertain: string | null = null;
  for (const p of policiesInNamespace) {
    if (!p.applies || p.namespace !== pod.namespace) continue;
    if (p.podSelector && (p.podSelector.selector === null || !matchesSelector(p.podSelector.selector, pod.sgp.labels))) continue;
    if (p.serviceAccountSelector) {
      if (p.serviceAccountSelector.selector === null) continue;
      const labels = serviceAccountLabels?.get(`${pod.namespace}/${pod.sgp.serviceAccount}`);
      if (!labels) {
        // Without the list we cannot tell; a service account that does not exist makes the controller fail the pod.
        if (!serviceAccountLabels) uncertain = `policy ${p.namespace}/${p.name} selects by service account and the service accounts were not read`;
        continue;
      }
      if (!matchesSelector(p.serviceAccountSelector.selector, labels)) continue;
    }
    policies.push(p);
  }
  const groupIds: string[] = [];
  for (const p of policies) for (const g of p.groupIds) if (!groupIds.includes(g)) groupIds.push(g);
  return { policies, groupIds, uncertain };
}
