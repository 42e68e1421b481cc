import { resolve } from 'node:path';
import type { ParseArgsConfig } from 'node:util';
import type { KubernetesAccess } from '../kube/targets.js';
import { UsageError } from '../util/errors.js';
import type { CliIo } from './io.js';

/** Flags of scan, cleanup and snapshot that choose how Kubernetes is reached (docs/cli.md). */
export const KUBE_FLAGS = {
  kubernetes: { type: 'string' },
  kubeconfig: { type: 'string' },
  context: { type: 'string' },
} as const satisfies ParseArgsConfig['options'];

export const KUBE_USAGE = `  --kubernetes MODE        how to read Kubernetes for the capacity checks: auto (default), eks, kubeconfig, off.
                           auto: --kubeconfig/--context use that kubeconfig; else --cluster uses EKS auth
                           (DescribeCluster endpoint + STS token); else the current kubeconfig context, when it
                           is an EKS cluster of this region. Unreachable or forbidden: AWS-side checks still run.
  --kubeconfig FILE        kubeconfig to read (default: $KUBECONFIG, else ~/.kube/config).
  --context NAME           kubeconfig context (default: the current one).`;

const MODES = ['auto', 'eks', 'kubeconfig', 'off'] as const;

/** Turns the flags into a KubernetesAccess; the kubeconfig is read later, from the CLI's environment. */
export function kubernetesAccessOf(v: Record<string, unknown>, io: CliIo, clusters: string[] | null): KubernetesAccess {
  const mode = (v.kubernetes as string | undefined) ?? 'auto';
  if (!(MODES as readonly string[]).includes(mode)) throw new UsageError(`--kubernetes must be one of ${MODES.join(', ')}, got "${mode}"`);
  const file = v.kubeconfig !== undefined ? resolve(io.cwd, v.kubeconfig as string) : undefined;
  const context = v.context as string | undefined;
  const kubeconfigAsked = file !== undefined || context !== undefined;
  if (mode === 'off') {
    if (kubeconfigAsked) throw new UsageError('--kubeconfig and --context cannot be used with --kubernetes off');
    return { kind: 'off' };
  }
  if (mode === 'eks' || (mode === 'auto' && !kubeconfigAsked && clusters)) {
    if (kubeconfigAsked) throw new UsageError('--kubeconfig and --context cannot be used with --kubernetes eks');
    return { kind: 'eks', clusters };
  }
  if (mode === 'kubeconfig' || kubeconfigAsked) {
    // One context is one cluster: --cluster (at most one) says which EKS cluster it is.
    if (clusters && clusters.length > 1) throw new UsageError('a kubeconfig context is one cluster: give at most one --cluster with --kubeconfig/--context');
    return { kind: 'kubeconfig', env: io.env, ...(file ? { file } : {}), ...(context ? { context } : {}), cluster: clusters?.[0] ?? null };
  }
  // Nothing asked: the current context, only if it is one of this region's EKS clusters.
  return { kind: 'kubeconfig', env: io.env, onlyIfEksCluster: true };
}

/** A snapshot carries its own Kubernetes files (docs/snapshot.md): live-access flags make no sense there. */
export function rejectKubeFlagsWithSnapshot(v: Record<string, unknown>): void {
  for (const flag of Object.keys(KUBE_FLAGS)) {
    if (v[flag] !== undefined) throw new UsageError(`--${flag} cannot be used with --snapshot: the snapshot's kubernetes/ folder is read instead`);
  }
}
