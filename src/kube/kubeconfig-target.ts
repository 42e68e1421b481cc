import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import type { Cluster as EksCluster } from '@aws-sdk/client-eks';
import { UsageError } from '../util/errors.js';

export interface KubeconfigChoice {
  /** Explicit file(s); else $KUBECONFIG (colon-separated, merged), else ~/.kube/config. */
  file?: string;
  context?: string;
}

/** The kubeconfig files kubectl would read, from the CLI's environment (not process.env). */
export function kubeconfigFiles(choice: KubeconfigChoice, env: NodeJS.ProcessEnv): string[] {
  if (choice.file) return [choice.file];
  if (env.KUBECONFIG) return env.KUBECONFIG.split(':').filter(Boolean);
  const home = env.HOME ?? env.USERPROFILE;
  return home ? [join(home, '.kube', 'config')] : [];
}

/** Loads and merges the files (first one wins for the current context, as with kubectl). null: none exists. */
export function loadKubeconfig(choice: KubeconfigChoice, env: NodeJS.ProcessEnv): KubeConfig | null {
  const files = kubeconfigFiles(choice, env).filter((f) => existsSync(f));
  if (files.length === 0) {
    if (choice.file) throw new UsageError(`kubeconfig ${choice.file} does not exist`);
    return null;
  }
  const kc = new KubeConfig();
  for (const [i, f] of files.entries()) {
    const one = new KubeConfig();
    try {
      one.loadFromFile(f);
    } catch (err) {
      throw new UsageError(`kubeconfig ${f} cannot be read: ${(err as Error).message}`);
    }
    if (i === 0) kc.loadFromOptions({ clusters: one.clusters, users: one.users, contexts: one.contexts, currentContext: one.currentContext });
    else kc.mergeConfig(one, true);
  }
  if (choice.context) {
    if (!kc.getContextObject(choice.context)) throw new UsageError(`kubeconfig has no context "${choice.context}" (contexts: ${kc.getContexts().map((c) => c.name).join(', ') || 'none'})`);
    kc.setCurrentContext(choice.context);
  }
  if (!kc.getCurrentContext() || !kc.getCurrentCluster()) return null;
  return kc;
}

/**
 * The EKS cluster a kubeconfig context points at, so Kubernetes findings carry the right cluster:
 * `aws eks update-kubeconfig` names clusters by ARN, eksctl as `<name>.<region>.eksctl.io`; failing
 * both, a DescribeCluster endpoint equal to the context's server. Returns the region when it is known.
 */
export function eksClusterOfContext(kc: KubeConfig, described: readonly EksCluster[]): { name: string; region: string | null } | null {
  const ctx = kc.getContextObject(kc.getCurrentContext());
  const server = kc.getCurrentCluster()?.server.replace(/\/+$/, '');
  for (const label of [ctx?.cluster, ctx?.name]) {
    const arn = /^arn:aws[a-z-]*:eks:([a-z0-9-]+):\d{12}:cluster\/([0-9A-Za-z][0-9A-Za-z_-]*)$/.exec(label ?? '');
    if (arn) return { name: arn[2]!, region: arn[1]! };
    const eksctl = /^([0-9A-Za-z][0-9A-Za-z_-]*)\.([a-z0-9-]+)\.eksctl\.io$/.exec(label ?? '');
    if (eksctl) return { name: eksctl[1]!, region: eksctl[2]! };
  }
  const match = described.find((c) => c.name && c.endpoint && c.endpoint.replace(/\/+$/, '') === server);
  return match?.name ? { name: match.name, region: null } : null;
}

/** A KubeConfig for one EKS cluster: its endpoint and CA (as DescribeCluster returns them) and a bearer token. */
export function eksKubeConfig(cluster: string, server: string, caData: string, token: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: cluster, server, caData, skipTLSVerify: false }],
    users: [{ name: 'vpc-cni-auditor', token }],
    contexts: [{ name: cluster, cluster, user: 'vpc-cni-auditor' }],
    currentContext: cluster,
  });
  return kc;
}
