import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from '@jest/globals';
import { buildInventory } from '../../src/collect/build-inventory.js';
import { readSnapshot } from '../../src/collect/snapshot/read-snapshot.js';
import { writeSnapshot } from '../../src/collect/snapshot/write-snapshot.js';
import { runCli } from '../fixtures/cli.js';
import { awsNode, cniNode, eniConfig, event, kubeCluster, node, pod, pods } from '../fixtures/kube.js';
import { rawData } from '../fixtures/raw.js';

const dirs: string[] = [];
const tempDir = async () => {
  const d = await mkdtemp(join(tmpdir(), 'vca-capsnap-'));
  dirs.push(d);
  return d;
};
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

const k = kubeCluster({
  nodes: [node({ name: 'n1' })],
  pods: [...pods(3, 'n1'), pod({ name: 'web-1', node: null, unschedulable: '0/1 nodes are available: 1 Insufficient vpc.amazonaws.com/pod-eni.' })],
  events: [event({ pod: 'web-1' })],
  cniNodes: [cniNode('n1', [{ name: 'SecurityGroupsForPods' }])],
  eniConfigs: [eniConfig('us-east-1a', 'subnet-2')],
  awsNode: awsNode({ ENABLE_POD_ENI: 'true' }),
});

describe('snapshot folders: the capacity part', () => {
  test('snapshot --out writes kubernetes/<cluster>/objects.json (a kubectl-style List), subnets and instance types; reading gives the same inventory', async () => {
    const raw = rawData({
      kubernetes: [k],
      subnets: [{ SubnetId: 'subnet-1', CidrBlock: '10.0.1.0/24', AvailableIpAddressCount: 12 }],
      instanceTypes: [{ InstanceType: 'm5.large' }],
      gaps: [{ source: 'kubernetes:beta', affects: 'kubernetes', reason: 'unreachable: ECONNREFUSED' }, { source: 'ec2:DescribeInstances', affects: 'instances', reason: 'x' }],
    });
    const dir = join(await tempDir(), 'snap');
    const files = await writeSnapshot(dir, raw);
    expect(files).toEqual(expect.arrayContaining(['describe-subnets.json', 'describe-instance-types.json', join('kubernetes', 'alpha', 'objects.json')]));
    const list = JSON.parse(await readFile(join(dir, 'kubernetes', 'alpha', 'objects.json'), 'utf8')) as { kind: string; items: Array<{ kind: string }> };
    expect(list.kind).toBe('List');
    expect(list.items.map((i) => i.kind).sort()).toEqual(['CNINode', 'DaemonSet', 'ENIConfig', 'Event', 'Node', 'Pod', 'Pod', 'Pod', 'Pod']);

    const back = (await readSnapshot(dir, { clusters: null })).raw;
    const a = buildInventory(raw);
    const b = buildInventory(back);
    expect(b.kubernetes?.map((c) => ({ ...c, access: 'x' }))).toEqual(a.kubernetes?.map((c) => ({ ...c, access: 'x' })));
    expect(b.subnets).toEqual(a.subnets);
    // Kubernetes and subnet gaps of the capture still explain the offline run; ENI-proof gaps are settled by the files.
    expect(back.gaps.map((g) => g.source)).toEqual(['kubernetes:beta']);
  });

  test('hand-made kubectl captures: a List of nodes, pods and events plus a single-object file', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'snapshot.json'), JSON.stringify({ region: 'us-east-1', collectedAt: '2026-01-01T12:00:00Z' }));
    await writeFile(join(dir, 'describe-network-interfaces.json'), '{"NetworkInterfaces": []}');
    await writeFile(join(dir, 'describe-instances.json'), '{"Reservations": []}');
    await writeFile(join(dir, 'list-clusters.json'), '{"clusters": ["alpha"]}');
    await mkdir(join(dir, 'kubernetes', 'alpha'), { recursive: true });
    // kubectl get nodes,pods,events -A -o json
    await writeFile(join(dir, 'kubernetes', 'alpha', 'core.json'), JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [node({ name: 'n1', pods: 20 }), ...pods(19, 'n1')] }));
    // kubectl get daemonset aws-node -n kube-system -o json
    await writeFile(join(dir, 'kubernetes', 'alpha', 'aws-node.json'), JSON.stringify(awsNode({ ENABLE_PREFIX_DELEGATION: 'true' })));
    const r = await runCli(['scan', '--snapshot', dir, '--format', 'json', '--show', 'nodes']);
    expect(r.code).toBe(0);
    const out = r.json() as { findings: Array<{ code: string; resource: { id: string }; cluster: string }>; nodes: Array<Record<string, unknown>> };
    expect(out.findings.map((f) => [f.code, f.resource.id, f.cluster])).toEqual([['NODE_IP_PRESSURE', 'n1', 'alpha']]);
    expect(out.nodes).toEqual([expect.objectContaining({ cluster: 'alpha', node: 'n1', instanceType: 'm5.large', vpcIpPods: 19, podCapacity: 20, limitedBy: 'kubelet' })]);
  });

  test('a malformed Kubernetes file is named in the error (exit 2)', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'snapshot.json'), JSON.stringify({ region: 'us-east-1', collectedAt: '2026-01-01T12:00:00Z' }));
    await writeFile(join(dir, 'describe-network-interfaces.json'), '{"NetworkInterfaces": []}');
    await writeFile(join(dir, 'describe-instances.json'), '{"Reservations": []}');
    await writeFile(join(dir, 'list-clusters.json'), '{"clusters": []}');
    await mkdir(join(dir, 'kubernetes', 'alpha'), { recursive: true });
    await writeFile(join(dir, 'kubernetes', 'alpha', 'pods.json'), '{"items": [{"kind": "Pod"}]}');
    const r = await runCli(['scan', '--snapshot', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/pods\.json is malformed/);
  });

  test('live-access flags are refused with --snapshot', async () => {
    const r = await runCli(['scan', '--snapshot', await tempDir(), '--context', 'x']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--context cannot be used with --snapshot/);
  });
});
