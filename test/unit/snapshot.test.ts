import { readFileSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from '@jest/globals';
import { readSnapshot } from '../../src/collect/snapshot/read-snapshot.js';
import { writeSnapshot } from '../../src/collect/snapshot/write-snapshot.js';
import { buildInventory } from '../../src/collect/build-inventory.js';
import { runCli } from '../fixtures/cli.js';
import { eni, instance, rawData, rcTags } from '../fixtures/raw.js';

const DEMO = join(process.cwd(), 'examples', 'demo-env');
const dirs: string[] = [];
const tempDir = async () => {
  const d = await mkdtemp(join(tmpdir(), 'vca-snap-'));
  dirs.push(d);
  return d;
};
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

/** The demo environment's ENIs by role, derived from its own files so the test states intent, not ids. */
async function demoIds() {
  const { NetworkInterfaces } = JSON.parse(await readFile(join(DEMO, 'describe-network-interfaces.json'), 'utf8')) as { NetworkInterfaces: Array<{ NetworkInterfaceId: string; Description: string; Status: string; TagSet: Array<{ Key: string; Value: string }> }> };
  const tag = (e: (typeof NetworkInterfaces)[number], k: string) => e.TagSet.find((t) => t.Key === k)?.Value;
  const { Reservations } = JSON.parse(await readFile(join(DEMO, 'describe-instances.json'), 'utf8')) as { Reservations: Array<{ Instances: Array<{ InstanceId: string; State: { Name: string } }> }> };
  const terminated = new Set(Reservations.flatMap((r) => r.Instances).filter((i) => i.State.Name === 'terminated').map((i) => i.InstanceId));
  const ids = (pred: (e: (typeof NetworkInterfaces)[number]) => boolean) => NetworkInterfaces.filter(pred).map((e) => e.NetworkInterfaceId).sort();
  return {
    deletedCluster: ids((e) => e.Status === 'available' && (tag(e, 'kubernetes.io/cluster/payments-old') === 'owned' || tag(e, 'cluster.k8s.amazonaws.com/name') === 'payments-old')),
    terminatedNode: ids((e) => e.Status === 'available' && terminated.has(tag(e, 'node.k8s.amazonaws.com/instance_id') ?? '')),
    ignored: ids((e) => tag(e, 'vpc-cni-auditor/ignore') === 'true'),
    lookalike: ids((e) => e.Description === 'aws-k8s-branch-eni' && tag(e, 'eks:eni:owner') === undefined),
    all: ids(() => true),
  };
}

describe('snapshot folder', () => {
  test('the demo environment: deleted cluster leftovers, a terminated node, look-alikes left alone', async () => {
    const ids = await demoIds();
    const r = await runCli(['scan', '--snapshot', DEMO, '--format', 'json']);
    expect(r.code).toBe(0);
    // The ENI findings; the capacity findings of the demo's Kubernetes part are checked below.
    const findings = (r.json().findings as Array<{ code: string; severity: string; resource: { type: string; id: string }; cluster: string | null }>).filter((f) => f.resource.type === 'network-interface');
    const by = (pred: (f: (typeof findings)[number]) => boolean) => findings.filter(pred).map((f) => f.resource.id).sort();
    expect(by((f) => f.severity === 'critical')).toEqual(ids.deletedCluster);
    expect(by((f) => f.cluster === 'payments-old')).toEqual(ids.deletedCluster);
    expect(by((f) => f.code === 'ENI_LOOKALIKE')).toEqual(ids.lookalike);
    expect(by((f) => f.cluster === 'shop-prod')).toEqual(ids.terminatedNode);
    expect(ids.terminatedNode.length).toBe(4);
    // Nothing else: ELB, Lambda and NAT ENIs and the live node's ENIs raise nothing.
    expect(findings).toHaveLength(ids.deletedCluster.length + ids.terminatedNode.length + ids.lookalike.length);
  });

  test("the demo's Kubernetes part: shop-prod's busiest node, its pending SGP workload and its fullest subnet, all warnings", async () => {
    const list = (f: string) => JSON.parse(readFileSync(join(DEMO, 'kubernetes', 'shop-prod', f), 'utf8')) as { items: Array<{ kind: string; metadata: { name: string; namespace?: string; ownerReferences?: Array<{ name: string }>; labels?: Record<string, string> }; spec?: { nodeName?: string }; status?: { allocatable?: Record<string, string> } }> };
    const items = list('nodes-pods-events.json').items;
    // Derived from the files: the node advertising branch ENIs, the pods nobody scheduled, the subnet with the fewest free IPs.
    const sgpNode = items.find((i) => i.kind === 'Node' && i.status?.allocatable?.['vpc.amazonaws.com/pod-eni'])!.metadata.name;
    const pending = items.filter((i) => i.kind === 'Pod' && !i.spec?.nodeName);
    const rs = pending[0]!.metadata.ownerReferences![0]!.name;
    const workload = `${pending[0]!.metadata.namespace}/Deployment/${rs.slice(0, -(pending[0]!.metadata.labels!['pod-template-hash']!.length + 1))}`;
    const { Subnets } = JSON.parse(readFileSync(join(DEMO, 'describe-subnets.json'), 'utf8')) as { Subnets: Array<{ SubnetId: string; AvailableIpAddressCount: number }> };
    const fullest = [...Subnets].sort((a, b) => a.AvailableIpAddressCount - b.AvailableIpAddressCount)[0]!.SubnetId;

    const r = await runCli(['scan', '--snapshot', DEMO, '--format', 'json', '--show', 'nodes']);
    const doc = r.json() as { findings: Array<{ code: string; severity: string; resource: { type: string; id: string }; cluster: string | null; details: Record<string, unknown> }>; nodes: unknown[] };
    // The SGP findings of the demo (a policy naming a deleted group) are checked in sgp-snapshot.test.ts.
    const capacity = doc.findings.filter((f) => f.resource.type !== 'network-interface' && !['POD_STUCK_INVALID_SG', 'SGP_UNKNOWN_SG'].includes(f.code));
    expect(capacity.map((f) => `${f.code} ${f.resource.id}`).sort()).toEqual([
      `NODE_BRANCH_ENI_PRESSURE ${sgpNode}`, `NODE_IP_PRESSURE ${sgpNode}`, `PODS_PENDING_BRANCH_ENI ${workload}`, `SUBNET_IP_PRESSURE ${fullest}`,
    ]);
    for (const f of capacity) expect([f.code, f.severity, f.cluster]).toEqual([f.code, 'warning', 'shop-prod']);
    expect(capacity.find((f) => f.code === 'PODS_PENDING_BRANCH_ENI')?.details.podCount).toBe(pending.length);
    // The leaked ENIs of the terminated spot node sit in that subnet: the finding says how many IPs they hold.
    expect(capacity.find((f) => f.code === 'SUBNET_IP_PRESSURE')?.details.leakedEnis).toBe((await demoIds()).terminatedNode.length);
    expect(doc.nodes).toHaveLength(items.filter((i) => i.kind === 'Node').length);
  });

  test('the demo cleanup plan honours grace and the ignore tag', async () => {
    const ids = await demoIds();
    const r = await runCli(['cleanup', '--snapshot', DEMO, '--format', 'json']);
    expect(r.code).toBe(0);
    const out = r.json() as { dryRun: boolean; planned: string[]; deleted: string[]; skipped: Array<{ id: string; reason: string }> };
    expect(out.dryRun).toBe(true);
    expect(out.deleted).toEqual([]);
    const skipped = Object.fromEntries(out.skipped.map((s) => [s.id, s.reason.split(':')[0]]));
    expect(Object.values(skipped).sort()).toEqual(['ignore-tag', 'within-grace']);
    expect(skipped[ids.ignored[0]!]).toBe('ignore-tag');
    expect([...out.planned].sort()).toEqual([...ids.deletedCluster, ...ids.terminatedNode].filter((id) => !(id in skipped)).sort());
    for (const id of ids.lookalike) expect(out.planned).not.toContain(id);
  });

  test('writeSnapshot then readSnapshot gives back the same inventory', async () => {
    const raw = rawData({
      networkInterfaces: [eni({ id: 'eni-1', description: 'aws-k8s-branch-eni', tags: rcTags('gone', { 'node.k8s.amazonaws.com/instance_id': 'i-1' }) })],
      instances: [instance('i-1', 'terminated')],
      instanceIdsLookedUp: ['i-1'],
      clusterNames: ['live'],
      clusters: [{ name: 'live', resourcesVpcConfig: { vpcId: 'vpc-1' } }],
      deletedClusters: ['gone'],
    });
    const dir = await tempDir();
    await writeSnapshot(join(dir, 'snap'), raw);
    const back = await readSnapshot(join(dir, 'snap'), { clusters: null });
    const a = buildInventory(raw);
    const b = buildInventory(back.raw);
    expect(b.networkInterfaces).toEqual(a.networkInterfaces);
    expect([...b.deletedClusters]).toEqual(['gone']);
    expect(b.clusters.get('live')?.vpcId).toBe('vpc-1');
    expect(b.collectedAt).toEqual(a.collectedAt);
  });

  test('writing refuses a folder that is not empty, and writes nothing', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'keep.txt'), 'precious');
    await expect(writeSnapshot(dir, rawData())).rejects.toThrow(/not empty/);
    expect(await readFile(join(dir, 'keep.txt'), 'utf8')).toBe('precious');
  });

  test.each([
    ['describe-network-interfaces.json', null, /describe-network-interfaces.json is missing/],
    ['describe-network-interfaces.json', '{"NetworkInterfaces": [', /describe-network-interfaces.json is not valid JSON/],
    ['describe-network-interfaces.json', '{"NetworkInterfaces": [{"NetworkInterfaceId": 42}]}', /describe-network-interfaces.json is malformed at NetworkInterfaces.0.NetworkInterfaceId/],
    ['describe-instances.json', '{"Instances": []}', /describe-instances.json is malformed at Reservations/],
    ['list-clusters.json', null, /list-clusters.json is missing/],
    ['snapshot.json', '{"region": "us-east-1", "collectedAt": "yesterday"}', /snapshot.json is malformed at collectedAt/],
    ['sightings.json', '{"sightings": [{"eniId": "eni-1"}]}', /sightings.json is malformed at sightings.0.firstSeen/],
  ])('a broken %s gets a clear error naming it and exit code 2', async (file, content, message) => {
    const dir = await tempDir();
    await cp(DEMO, dir, { recursive: true });
    if (content === null) await rm(join(dir, file));
    else await writeFile(join(dir, file), content);
    const r = await runCli(['cleanup', '--snapshot', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });
});
