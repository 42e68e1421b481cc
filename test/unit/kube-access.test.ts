import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { EKSClient } from '@aws-sdk/client-eks';
import { kubernetesAccessOf } from '../../src/cli/kube-flags.js';
import type { CliIo } from '../../src/cli/io.js';
import { listAll } from '../../src/collect/kubernetes/list-all.js';
import { KubeApiError, type KubeClient } from '../../src/kube/kube-client.js';
import { eksClusterOfContext, loadKubeconfig } from '../../src/kube/kubeconfig-target.js';
import { resolveKubeTargets } from '../../src/kube/targets.js';
import { rawData } from '../fixtures/raw.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vca-kubeaccess-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const kubeconfig = (clusterName: string, server: string, context = clusterName) => JSON.stringify({
  apiVersion: 'v1', kind: 'Config', 'current-context': context,
  clusters: [{ name: clusterName, cluster: { server } }],
  users: [{ name: 'u', user: { token: 't' } }],
  contexts: [{ name: context, context: { cluster: clusterName, user: 'u' } }],
});
const io = (env: NodeJS.ProcessEnv = {}): CliIo => ({ stdout: () => undefined, stderr: () => undefined, env, cwd: dir });

describe('CLI flags to Kubernetes access', () => {
  test('auto: kubeconfig flags win, then --cluster means EKS auth, else the current context if it is an EKS cluster here', () => {
    expect(kubernetesAccessOf({ context: 'c' }, io(), ['a'])).toMatchObject({ kind: 'kubeconfig', context: 'c', cluster: 'a' });
    expect(kubernetesAccessOf({}, io(), ['a', 'b'])).toEqual({ kind: 'eks', clusters: ['a', 'b'] });
    expect(kubernetesAccessOf({}, io(), null)).toMatchObject({ kind: 'kubeconfig', onlyIfEksCluster: true });
    expect(kubernetesAccessOf({ kubernetes: 'off' }, io(), ['a'])).toEqual({ kind: 'off' });
  });

  test('contradictions are usage errors', () => {
    expect(() => kubernetesAccessOf({ kubernetes: 'off', context: 'c' }, io(), null)).toThrow(/cannot be used with --kubernetes off/);
    expect(() => kubernetesAccessOf({ kubernetes: 'eks', kubeconfig: 'f' }, io(), null)).toThrow(/cannot be used with --kubernetes eks/);
    expect(() => kubernetesAccessOf({ context: 'c' }, io(), ['a', 'b'])).toThrow(/at most one --cluster/);
    expect(() => kubernetesAccessOf({ kubernetes: 'maybe' }, io(), null)).toThrow(/--kubernetes must be one of/);
  });
});

describe('which EKS cluster a kubeconfig context is', () => {
  test('aws eks update-kubeconfig ARNs, eksctl names, or a DescribeCluster endpoint', async () => {
    const load = async (name: string, server: string) => {
      const f = join(dir, `${name.replace(/[^a-z0-9]/gi, '_')}.json`);
      await writeFile(f, kubeconfig(name, server));
      return loadKubeconfig({ file: f }, {})!;
    };
    expect(eksClusterOfContext(await load('arn:aws:eks:eu-west-1:123456789012:cluster/prod', 'https://A.gr7.eu-west-1.eks.amazonaws.com'), [])).toEqual({ name: 'prod', region: 'eu-west-1' });
    expect(eksClusterOfContext(await load('dev.us-east-2.eksctl.io', 'https://B.yl4.us-east-2.eks.amazonaws.com'), [])).toEqual({ name: 'dev', region: 'us-east-2' });
    expect(eksClusterOfContext(await load('mine', 'https://C.sk1.us-east-1.eks.amazonaws.com/'), [{ name: 'shop', endpoint: 'https://C.sk1.us-east-1.eks.amazonaws.com' }])).toEqual({ name: 'shop', region: null });
    expect(eksClusterOfContext(await load('kind-local', 'https://127.0.0.1:6443'), [])).toBeNull();
  });

  test('nothing asked: a context of another region, or a broken kubeconfig, means no Kubernetes (and no error)', async () => {
    const f = join(dir, 'other-region.json');
    await writeFile(f, kubeconfig('arn:aws:eks:eu-west-1:123456789012:cluster/prod', 'https://A.gr7.eu-west-1.eks.amazonaws.com'));
    const raw = rawData({ region: 'us-east-1', clusterNames: ['prod'] });
    const eks = new EKSClient({ region: 'us-east-1' });
    expect((await resolveKubeTargets({ kind: 'kubeconfig', env: { KUBECONFIG: f }, onlyIfEksCluster: true }, raw, eks)).targets).toEqual([]);
    const sameRegion = rawData({ region: 'eu-west-1', clusterNames: ['prod'] });
    expect((await resolveKubeTargets({ kind: 'kubeconfig', env: { KUBECONFIG: f }, onlyIfEksCluster: true }, sameRegion, eks)).targets.map((t) => t.cluster)).toEqual(['prod']);
    const broken = join(dir, 'broken.yaml');
    await writeFile(broken, 'clusters: [');
    expect((await resolveKubeTargets({ kind: 'kubeconfig', env: { KUBECONFIG: broken }, onlyIfEksCluster: true }, raw, eks)).targets).toEqual([]);
    await expect(resolveKubeTargets({ kind: 'kubeconfig', env: {}, file: broken }, raw, eks)).rejects.toThrow(/cannot be read/);
    expect(() => loadKubeconfig({ file: f, context: 'nope' }, {})).toThrow(/no context "nope"/);
  });
});

describe('paginated lists', () => {
  /** A stand-in for the API: pages of `size`, a continue token, and an optional 410 on a token. */
  function fakeClient(items: number, opts: { goneOnce?: string } = {}) {
    const calls: Array<Record<string, string | number | undefined>> = [];
    let gone = opts.goneOnce;
    const client = {
      async get(_path: string, q: Record<string, string | number | undefined>) {
        calls.push(q);
        if (q.continue !== undefined && q.continue === gone) {
          gone = undefined;
          throw new KubeApiError(410, 'Expired', 'list pods', 'The provided continue parameter is too old');
        }
        const start = Number(q.continue ?? 0);
        const size = Number(q.limit);
        const next = start + size < items ? String(start + size) : undefined;
        return { kind: 'PodList', apiVersion: 'v1', metadata: { continue: next }, items: Array.from({ length: Math.min(size, items - start) }, (_, i) => ({ metadata: { name: `p${start + i}`, managedFields: [{}] } })) };
      },
    };
    return { client: client as unknown as KubeClient, calls };
  }

  test('limit and continue; resourceVersion=0 only on the first page of a cache-served list; items carry kind and drop managedFields', async () => {
    const { client, calls } = fakeClient(5);
    const items = await listAll(client, { path: '/api/v1/pods', what: 'list pods', pageSize: 2, fieldSelector: 'status.phase!=Failed', cacheOk: true });
    expect(items.map((i) => i.metadata?.name)).toEqual(['p0', 'p1', 'p2', 'p3', 'p4']);
    expect(items[0]).toEqual({ kind: 'Pod', apiVersion: 'v1', metadata: { name: 'p0' } });
    expect(calls).toEqual([
      { limit: 2, fieldSelector: 'status.phase!=Failed', labelSelector: undefined, resourceVersion: '0' },
      { limit: 2, fieldSelector: 'status.phase!=Failed', labelSelector: undefined, continue: '2' },
      { limit: 2, fieldSelector: 'status.phase!=Failed', labelSelector: undefined, continue: '4' },
    ]);
  });

  test('an expired continue token (410 Gone) restarts the list once', async () => {
    const { client, calls } = fakeClient(5, { goneOnce: '2' });
    const items = await listAll(client, { path: '/api/v1/pods', what: 'list pods', pageSize: 2, cacheOk: false });
    expect(items).toHaveLength(5);
    expect(calls.map((c) => c.continue ?? 'first')).toEqual(['first', '2', 'first', '2', '4']);
  });
});

describe('Lambda: KUBERNETES_ACCESS', () => {
  test('eks, off, unset (no capacity lookups); anything else is refused', async () => {
    const { kubernetesAccessFromEnv } = await import('../../src/kube/access-from-env.js');
    expect(kubernetesAccessFromEnv({ KUBERNETES_ACCESS: 'eks' })).toEqual({ kind: 'eks' });
    expect(kubernetesAccessFromEnv({ KUBERNETES_ACCESS: 'off' })).toEqual({ kind: 'off' });
    expect(kubernetesAccessFromEnv({})).toBeUndefined();
    expect(() => kubernetesAccessFromEnv({ KUBERNETES_ACCESS: 'yes' })).toThrow(/KUBERNETES_ACCESS must be eks or off/);
  });
});
