import type { CollectionGap } from '../../model/inventory.js';
import type { KubernetesPart } from '../../model/kubernetes.js';
import { AWS_NODE, CNINODE_CRD, COMPUTE_TYPE_LABEL, ENICONFIG_CRD, SGP_CRD, SGP_EVENT_REASONS } from '../../model/kube-marks.js';
import type { KubeClient } from '../../kube/kube-client.js';
import { explainFailures, failureKind, KUBERNETES_CODES } from './kube-errors.js';
import { listAll } from './list-all.js';
import type {
  RawCniNode, RawDaemonSet, RawEniConfig, RawEvent, RawKubernetesCluster, RawNode, RawPod, RawSecurityGroupPolicy, RawServiceAccount,
} from './raw-kubernetes.js';

export interface KubeTargetRef {
  /** EKS cluster name, when known. */
  cluster: string | null;
  /** How the API is reached, for reports. */
  access: string;
}

export interface CollectKubernetesOptions {
  /** Items per page (limit). 500 is what kubectl uses. */
  pageSize?: number;
  /** Pod event reasons to list (one field-selected list each, involvedObject.kind=Pod). */
  eventReasons?: readonly string[];
  /**
   * Reasons listed without a kind filter: the resource controller's own, on pods and nodes. An event
   * of these whose involved object is missing is then seen, and skipped with a log line.
   */
  controllerEventReasons?: readonly string[];
}

export const DEFAULT_EVENT_REASONS = ['FailedScheduling', SGP_EVENT_REASONS.sandboxFailed] as const;
export const DEFAULT_CONTROLLER_EVENT_REASONS = [SGP_EVENT_REASONS.branchAllocationFailed, SGP_EVENT_REASONS.trunkCreationFailed] as const;
const SGP_PATH = `/apis/${SGP_CRD.group}/${SGP_CRD.version}/${SGP_CRD.plural}`;
const SGP_WHAT = `list ${SGP_CRD.plural}.${SGP_CRD.group}`;

/**
 * Reads one cluster. Nodes and pods are required: without either the cluster is dropped (with a
 * gap) and only the AWS-side checks run for it. Events, CNINodes, ENIConfigs and aws-node are
 * optional: their failure becomes a gap and the checks degrade (documented per check). A CRD that is
 * not installed (404 on its list) simply has no objects.
 */
export async function collectKubernetesCluster(client: KubeClient, target: KubeTargetRef, opts: CollectKubernetesOptions = {}): Promise<{ raw: RawKubernetesCluster | null; gaps: CollectionGap[] }> {
  const pageSize = opts.pageSize ?? 500;
  const failures: Array<{ what: string; err: unknown; part: KubernetesPart | 'nodes' | 'pods' }> = [];
  const attempt = async <T>(part: KubernetesPart | 'nodes' | 'pods', what: string, run: () => Promise<T>, onNotFound: T | undefined = undefined): Promise<T | undefined> => {
    try {
      return await run();
    } catch (err) {
      if (onNotFound !== undefined && failureKind(err) === 'not-found') return onNotFound;
      failures.push({ what, err, part });
      return undefined;
    }
  };

  const [nodes, pods, events, cniNodes, eniConfigs, awsNode, sgps, serviceAccounts] = await Promise.all([
    // Fargate "nodes" (one per pod) get no IPs from instance ENIs: a label selector keeps them out.
    attempt('nodes', 'list nodes', () => listAll<RawNode>(client, { path: '/api/v1/nodes', what: 'list nodes', pageSize, labelSelector: `${COMPUTE_TYPE_LABEL}!=fargate`, cacheOk: true })),
    // Finished pods hold no IP and no branch ENI; a field selector keeps (often thousands of) Job pods out.
    // Not from the cache: pods are the list that grows with the workload (100k+), and a cache-served
    // list ignores `limit` on the API servers EKS runs today, so only etcd reads keep pages bounded.
    attempt('pods', 'list pods', () => listAll<RawPod>(client, { path: '/api/v1/pods', what: 'list pods', pageSize, fieldSelector: 'status.phase!=Succeeded,status.phase!=Failed', cacheOk: false })),
    attempt('events', 'list events', async () => {
      const out: RawEvent[] = [];
      // Field selectors cannot OR, so one list per reason; each cuts the event list to what a check reads.
      for (const reason of opts.eventReasons ?? DEFAULT_EVENT_REASONS) {
        out.push(...(await listAll<RawEvent>(client, { path: '/api/v1/events', what: 'list events', pageSize, fieldSelector: `involvedObject.kind=Pod,reason=${reason}`, cacheOk: true })));
      }
      for (const reason of opts.controllerEventReasons ?? DEFAULT_CONTROLLER_EVENT_REASONS) {
        out.push(...(await listAll<RawEvent>(client, { path: '/api/v1/events', what: 'list events', pageSize, fieldSelector: `reason=${reason}`, cacheOk: true })));
      }
      return out;
    }),
    // Small cluster-scoped lists: a consistent read costs little and shows ipamd's latest feature patch.
    attempt('cninodes', `list ${CNINODE_CRD.plural}.${CNINODE_CRD.group}`, () => listAll<RawCniNode>(client, { path: `/apis/${CNINODE_CRD.group}/${CNINODE_CRD.version}/${CNINODE_CRD.plural}`, what: `list ${CNINODE_CRD.plural}.${CNINODE_CRD.group}`, pageSize, cacheOk: false }), []),
    attempt('eniconfigs', `list ${ENICONFIG_CRD.plural}.${ENICONFIG_CRD.group}`, () => listAll<RawEniConfig>(client, { path: `/apis/${ENICONFIG_CRD.group}/${ENICONFIG_CRD.version}/${ENICONFIG_CRD.plural}`, what: `list ${ENICONFIG_CRD.plural}.${ENICONFIG_CRD.group}`, pageSize, cacheOk: false }), []),
    attempt('aws-node', `get daemonsets.apps ${AWS_NODE.namespace}/${AWS_NODE.name}`, () => client.get<RawDaemonSet>(`/apis/apps/v1/namespaces/${AWS_NODE.namespace}/daemonsets/${AWS_NODE.name}`, {}, `get daemonsets.apps ${AWS_NODE.namespace}/${AWS_NODE.name}`)),
    // Issue #4: every namespace's policies in one paginated list; 404 = the CRD is not installed (no SGP).
    attempt('sgps', SGP_WHAT, () => listAll<RawSecurityGroupPolicy>(client, { path: SGP_PATH, what: SGP_WHAT, pageSize, cacheOk: false }), []),
    // serviceAccountSelector matches the service account's labels. Listed every time (one small list) rather than
    // only when a policy needs it, so a missing permission shows before the first such policy is written.
    attempt('serviceaccounts', 'list serviceaccounts', () => listAll<RawServiceAccount>(client, { path: '/api/v1/serviceaccounts', what: 'list serviceaccounts', pageSize, cacheOk: true }), []),
  ]);

  const source = `kubernetes:${target.cluster ?? target.access}`;
  const gaps: CollectionGap[] = [];
  const reasons = explainFailures(failures);
  if (!nodes || !pods) {
    gaps.push({ source, affects: 'kubernetes', reason: `${reasons.join('; ')}. Skipped for this cluster: ${KUBERNETES_CODES.join(', ')}; SUBNET_IP_PRESSURE uses EC2 data only` });
    return { raw: null, gaps };
  }
  const missing = [...new Set(failures.map((f) => f.part))] as KubernetesPart[];
  if (reasons.length) gaps.push({ source, affects: 'kubernetes', reason: `${reasons.join('; ')}. Degraded: ${missingEffects(missing)}` });
  return {
    raw: {
      cluster: target.cluster,
      access: target.access,
      nodes,
      pods,
      events: events ?? [],
      cniNodes: cniNodes ?? [],
      eniConfigs: eniConfigs ?? [],
      awsNode: awsNode ?? null,
      missing,
      ...(sgps ? { securityGroupPolicies: sgps } : {}),
      ...(serviceAccounts ? { serviceAccounts } : {}),
    },
    gaps,
  };
}

function missingEffects(missing: readonly KubernetesPart[]): string {
  const say: Record<KubernetesPart, string> = {
    events: 'pending pods are judged from their PodScheduled condition only',
    cninodes: 'Security Groups for Pods and custom networking are inferred from node labels, capacity and trunk ENIs',
    eniconfigs: "custom-networking subnets are not known, so pods' subnets are not judged",
    'aws-node': 'prefix delegation, ENABLE_POD_ENI and custom networking settings are inferred; the SGP checks that depend on POD_SECURITY_GROUP_ENFORCING_MODE (SGP_SG_BLOCKS_PROBES, SGP_PUBLIC_SUBNET) are skipped',
    sgps: 'SecurityGroupPolicies are unknown, so the SGP_* policy checks are skipped (POD_STUCK_INVALID_SG still reads the events)',
    serviceaccounts: 'policies with a serviceAccountSelector are not matched to pods',
  };
  return missing.map((m) => say[m]).join('; ');
}
