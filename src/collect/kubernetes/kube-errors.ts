import { KubeApiError } from '../../kube/kube-client.js';
import { describeError } from '../../util/errors.js';

/** Where the read-only role the auditor needs is defined. */
export const CLUSTER_ROLE_HINT = 'deploy/kubernetes/clusterrole.yaml grants exactly what the auditor reads';

/** The codes a missing Kubernetes side turns off; SUBNET_IP_PRESSURE keeps working from EC2. */
export const KUBERNETES_CODES = [
  'NODE_IP_PRESSURE', 'NODE_BRANCH_ENI_PRESSURE', 'PODS_PENDING_BRANCH_ENI', 'NODE_TYPE_UNKNOWN',
  // Security Groups for Pods (issue #4): every one reads pods, policies or events.
  'POD_STUCK_INVALID_SG', 'SGP_UNKNOWN_SG', 'SGP_SG_OTHER_VPC', 'SGP_TOO_MANY_SGS', 'SGP_INVALID', 'SGP_NODE_NOT_TRUNK_CAPABLE',
  'SGP_SG_BLOCKS_PROBES', 'SGP_SG_BLOCKS_DNS', 'SGP_POD_DRIFT', 'SGP_CLUSTER_ROLE_POLICY_MISSING', 'NODE_NO_TRUNK_SLOT', 'SGP_PUBLIC_SUBNET', 'PODS_NO_IP',
] as const;

export type FailureKind = 'forbidden' | 'unauthorized' | 'not-found' | 'unreachable' | 'other';

export function failureKind(err: unknown): FailureKind {
  if (err instanceof KubeApiError) {
    if (err.status === 403) return 'forbidden';
    if (err.status === 401) return 'unauthorized';
    if (err.status === 404) return 'not-found';
    return 'other';
  }
  return 'unreachable';
}

/** Node's fetch wraps the socket error in `cause`; the cause is what tells a user what happened. */
export function networkCause(err: unknown): string {
  const cause = (err as { cause?: unknown } | null)?.cause;
  if (cause && typeof cause === 'object') {
    const c = cause as { code?: unknown; message?: unknown };
    if (typeof c.code === 'string' || typeof c.message === 'string') return `${String(c.code ?? '')} ${String(c.message ?? '')}`.trim();
  }
  if (err instanceof Error && err.name === 'TimeoutError') return `no answer within the request timeout (${err.message})`;
  return describeError(err);
}

/**
 * One sentence per failure class for a cluster, naming exactly what was refused. `failures` are the
 * calls that failed, by what they asked (`list nodes`), with their errors.
 */
export function explainFailures(failures: ReadonlyArray<{ what: string; err: unknown }>): string[] {
  const out: string[] = [];
  const of = (k: FailureKind) => failures.filter((f) => failureKind(f.err) === k);
  const forbidden = of('forbidden');
  if (forbidden.length) {
    const sample = (forbidden[0]!.err as KubeApiError).message;
    out.push(`forbidden: missing RBAC permission${forbidden.length === 1 ? '' : 's'} to ${forbidden.map((f) => f.what).join(', ')} (API server: "${sample}"); ${CLUSTER_ROLE_HINT}`);
  }
  if (of('unauthorized').length) {
    out.push('unauthorized: the API server rejected the credentials (with EKS auth, map this IAM principal to the group vpc-cni-auditor with an access entry or aws-auth)');
  }
  const unreachable = of('unreachable');
  if (unreachable.length) out.push(`unreachable: ${networkCause(unreachable[0]!.err)}`);
  for (const f of [...of('other'), ...of('not-found')]) out.push(`${f.what}: ${describeError(f.err)}`);
  return out;
}
