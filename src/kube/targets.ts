import { DescribeClusterCommand, type Cluster as EksCluster, type EKSClient } from '@aws-sdk/client-eks';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import type { KubeConfig } from '@kubernetes/client-node';
import type { CollectionGap } from '../model/inventory.js';
import type { RawAwsData } from '../collect/raw.js';
import { describeError, errorCode } from '../util/errors.js';
import { eksToken, type SignerCredentials } from './eks-token.js';
import { eksClusterOfContext, eksKubeConfig, loadKubeconfig, type KubeconfigChoice } from './kubeconfig-target.js';

/**
 * How a run reaches Kubernetes.
 * - `eks`: for each cluster (the given ones, else the run's scope, else every cluster in the
 *   region), endpoint and CA from DescribeCluster and an STS-presigned bearer token. The Lambda
 *   path, and the CLI's with --cluster. `endpointFor`/`tokenFor` replace those two steps (tests,
 *   private endpoints reached through a tunnel).
 * - `kubeconfig`: one context of a kubeconfig (the current one unless named), attributed to
 *   `cluster` or to the EKS cluster its name or endpoint identifies. `onlyIfEksCluster` (the CLI's
 *   default when nothing was asked) uses it only when it identifies a cluster of this region.
 */
export type KubernetesAccess =
  | { kind: 'off' }
  | {
    kind: 'eks';
    clusters?: string[] | null;
    credentials?: SignerCredentials;
    endpointFor?: (cluster: EksCluster) => { server: string; caData: string };
    tokenFor?: (cluster: string) => Promise<string>;
  }
  | (KubeconfigChoice & { kind: 'kubeconfig'; env: NodeJS.ProcessEnv; cluster?: string | null; onlyIfEksCluster?: boolean; kubeConfig?: KubeConfig });

export interface KubeTarget {
  cluster: string | null;
  access: string;
  kubeConfig: KubeConfig;
}

const DESCRIBABLE = new Set(['ACTIVE', 'UPDATING', 'DELETING']);

async function describe(eks: EKSClient, name: string, raw: RawAwsData): Promise<EksCluster | null> {
  const known = raw.clusters.find((c) => c.name === name);
  if (known) return known;
  const out = await eks.send(new DescribeClusterCommand({ name }));
  if (out.cluster) raw.clusters.push(out.cluster);
  return out.cluster ?? null;
}

async function eksTargets(access: Extract<KubernetesAccess, { kind: 'eks' }>, raw: RawAwsData, eks: EKSClient): Promise<{ targets: KubeTarget[]; gaps: CollectionGap[] }> {
  const targets: KubeTarget[] = [];
  const gaps: CollectionGap[] = [];
  const deleted = new Set(raw.deletedClusters);
  const names = (access.clusters ?? raw.scope.clusters ?? raw.clusterNames).filter((n) => !deleted.has(n));
  const credentials = access.credentials ?? fromNodeProviderChain();
  for (const name of [...new Set(names)].sort()) {
    const source = `kubernetes:${name}`;
    let cluster: EksCluster | null;
    try {
      cluster = await describe(eks, name, raw);
    } catch (err) {
      if (errorCode(err) === 'ResourceNotFoundException') continue;
      gaps.push({ source, affects: 'kubernetes', reason: `eks:DescribeCluster failed, so the API endpoint is unknown: ${describeError(err)}` });
      continue;
    }
    const status = cluster?.status ?? 'unknown';
    if (!cluster?.endpoint || !cluster.certificateAuthority?.data || !DESCRIBABLE.has(status)) {
      gaps.push({ source, affects: 'kubernetes', reason: `cluster is ${status} and has no usable API endpoint yet; Kubernetes checks skipped` });
      continue;
    }
    try {
      const { server, caData } = access.endpointFor?.(cluster) ?? { server: cluster.endpoint, caData: cluster.certificateAuthority.data };
      const region = raw.region;
      const token = access.tokenFor ? await access.tokenFor(name) : await eksToken({ cluster: name, region, credentials });
      targets.push({ cluster: name, access: 'eks', kubeConfig: eksKubeConfig(name, server, caData, token) });
    } catch (err) {
      gaps.push({ source, affects: 'kubernetes', reason: `no EKS token (credentials?): ${describeError(err)}` });
    }
  }
  return { targets, gaps };
}

function kubeconfigTarget(access: Extract<KubernetesAccess, { kind: 'kubeconfig' }>, raw: RawAwsData): KubeTarget[] {
  let kc: KubeConfig | null;
  try {
    kc = access.kubeConfig ?? loadKubeconfig(access, access.env);
  } catch (err) {
    // Nobody asked for this kubeconfig: a broken one must not fail the run.
    if (access.onlyIfEksCluster) return [];
    throw err;
  }
  if (!kc) return [];
  const identified = eksClusterOfContext(kc, raw.clusters);
  const inRegion = identified && (identified.region === null || identified.region === raw.region) && raw.clusterNames.includes(identified.name);
  if (access.onlyIfEksCluster && !inRegion) return [];
  const cluster = access.cluster ?? (identified && (identified.region === null || identified.region === raw.region) ? identified.name : null);
  return [{ cluster, access: `kubeconfig context ${kc.getCurrentContext()}`, kubeConfig: kc }];
}

/** The Kubernetes APIs this run reads, with a gap for each cluster that cannot be reached at all. */
export async function resolveKubeTargets(access: KubernetesAccess, raw: RawAwsData, eks: EKSClient): Promise<{ targets: KubeTarget[]; gaps: CollectionGap[] }> {
  if (access.kind === 'off') return { targets: [], gaps: [] };
  if (access.kind === 'eks') return eksTargets(access, raw, eks);
  return { targets: kubeconfigTarget(access, raw), gaps: [] };
}
