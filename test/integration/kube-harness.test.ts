/**
 * Smoke test for the Kubernetes harness: a real kube-apiserver + etcd, reached
 * the way the product reaches EKS (server URL + base64 CA + bearer token, TLS
 * verification on), with RBAC deciding what each token may do.
 */
import { describe, test, expect, beforeAll, afterAll } from '@jest/globals';
import { ApiException, CoreV1Api, KubeConfig, type V1Node, type V1Pod } from '@kubernetes/client-node';
import { readFileSync } from 'node:fs';
import { startKube, type KubeHarness } from '../harness/kube.js';

function coreClient(kube: KubeHarness, token: string): CoreV1Api {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'harness', server: kube.server, caData: kube.caData, skipTLSVerify: false }],
    users: [{ name: 'user', token }],
    contexts: [{ name: 'harness', cluster: 'harness', user: 'user' }],
    currentContext: 'harness',
  });
  return kc.makeApiClient(CoreV1Api);
}

/** Resolves to the HTTP status of a rejected client-node call. */
async function statusOf(p: Promise<unknown>): Promise<number> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ApiException) return err.code;
    throw err;
  }
  throw new Error('expected the call to fail');
}

describe('kube harness', () => {
  let kube: KubeHarness;
  let admin: CoreV1Api;
  let startupMs = 0;

  beforeAll(async () => {
    const t0 = Date.now();
    // The first run builds kube-apiserver and etcd from source (many minutes).
    kube = await startKube();
    startupMs = Date.now() - t0;
    admin = coreClient(kube, kube.tokens.admin);
  }, 15 * 60_000);

  afterAll(async () => {
    await kube?.stop();
  });

  test('serves on 127.0.0.1 with a base64 PEM CA the client verifies', async () => {
    expect(kube.server).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(Buffer.from(kube.caData, 'base64').toString('utf8')).toMatch(/^-----BEGIN CERTIFICATE-----/);
    // Shows up in the jest output; the harness is meant to start in well under 10 s once built.
    console.info(`kube harness startup: ${startupMs} ms`);
    // skipTLSVerify is false, so this round trip proves the CA/SAN setup.
    const ns = await admin.readNamespace({ name: 'default' });
    expect(ns.metadata?.name).toBe('default');
  });

  test('admin creates a Node and a Pod bound to it, and lists them back', async () => {
    const node: V1Node = {
      metadata: {
        name: 'ip-10-0-1-23.ec2.internal',
        labels: { 'node.kubernetes.io/instance-type': 'm5.large', 'topology.kubernetes.io/zone': 'us-east-1a' },
      },
      spec: { providerID: 'aws:///us-east-1a/i-0123456789abcdef0' },
    };
    await admin.createNode({ body: node });

    const pod: V1Pod = {
      metadata: { name: 'web-1', namespace: 'default', labels: { app: 'web' } },
      // nodeName set directly: there is no scheduler, and nothing runs the pod.
      spec: { nodeName: node.metadata!.name!, containers: [{ name: 'web', image: 'public.ecr.aws/nginx/nginx:1' }] },
    };
    await admin.createNamespacedPod({ namespace: 'default', body: pod });

    const nodes = await admin.listNode();
    expect(nodes.items.map((n) => n.metadata?.name)).toContain('ip-10-0-1-23.ec2.internal');

    const pods = await admin.listPodForAllNamespaces({ fieldSelector: `spec.nodeName=${node.metadata!.name!}` });
    expect(pods.items).toHaveLength(1);
    expect(pods.items[0]?.metadata?.name).toBe('web-1');
    expect(pods.items[0]?.spec?.nodeName).toBe('ip-10-0-1-23.ec2.internal');
  });

  test('RBAC applies: noaccess and auditor get 403, a bad token gets 401', async () => {
    expect(await statusOf(coreClient(kube, kube.tokens.noaccess).listPodForAllNamespaces())).toBe(403);
    // The auditor user has no bindings until a test grants some.
    expect(await statusOf(coreClient(kube, kube.tokens.auditor).listNode())).toBe(403);
    expect(await statusOf(coreClient(kube, 'not-a-token').listNode())).toBe(401);
  });

  test('kubeconfigFor writes a usable kubeconfig', async () => {
    const file = kube.kubeconfigFor(kube.tokens.admin);
    const kc = new KubeConfig();
    kc.loadFromString(readFileSync(file, 'utf8'));
    const nodes = await kc.makeApiClient(CoreV1Api).listNode();
    expect(nodes.items.length).toBeGreaterThan(0);
  });
});
