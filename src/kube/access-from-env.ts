import type { KubernetesAccess } from './targets.js';

/**
 * The Lambda sweep's Kubernetes access, from KUBERNETES_ACCESS: `eks` (every cluster through EKS
 * auth; serverless.yml sets it), `off` (capacity checks from EC2 only: subnets), unset (no capacity
 * lookups at all, as before issue #3).
 */
export function kubernetesAccessFromEnv(env: NodeJS.ProcessEnv = process.env): KubernetesAccess | undefined {
  const v = env.KUBERNETES_ACCESS;
  if (v === undefined || v === '') return undefined;
  if (v === 'eks') return { kind: 'eks' };
  if (v === 'off') return { kind: 'off' };
  throw new Error(`KUBERNETES_ACCESS must be eks or off, got "${v}"`);
}
