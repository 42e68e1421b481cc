import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { EC2Client } from '@aws-sdk/client-ec2';
import { EKSClient } from '@aws-sdk/client-eks';
import { executeCleanup } from '../../src/act/cleanup/execute.js';
import { planCleanup } from '../../src/act/cleanup/plan.js';
import { createAwsClients } from '../../src/aws/clients.js';
import { AuditConfigSchema } from '../../src/config/audit-config.js';
import { runScan } from '../../src/run/scan.js';
import { MemoryStateStore } from '../../src/state/store.js';
import { startFaultProxy, type FaultProxy } from '../harness/fault-proxy.js';
import { clientConfig, startMoto, type MotoServer } from '../harness/moto.js';
import { useAwsEnv } from '../fixtures/aws-env.js';
import { runCli } from '../fixtures/cli.js';
import { AwsSeeder, seedEstate } from '../fixtures/seed-aws.js';

let moto: MotoServer;
let proxy: FaultProxy;
let seeder: AwsSeeder;
let estate: Awaited<ReturnType<typeof seedEstate>>;
let dir: string;
let restoreEnv: () => void;

beforeAll(async () => {
  moto = await startMoto();
  proxy = await startFaultProxy(moto.endpoint);
  // Product code talks to the proxy; the seeder talks to moto directly, so faults never hit it.
  restoreEnv = useAwsEnv(proxy.endpoint, { VPC_CNI_AUDITOR_MAX_ATTEMPTS: '3', VPC_CNI_AUDITOR_REQUEST_TIMEOUT_MS: '1500' });
  seeder = new AwsSeeder(new EC2Client(clientConfig(moto.endpoint)), new EKSClient(clientConfig(moto.endpoint)));
  dir = await mkdtemp(join(tmpdir(), 'vca-faults-'));
});
afterAll(async () => {
  restoreEnv();
  await proxy.stop();
  await moto.stop();
  await rm(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  proxy.clearFaults();
  await moto.reset();
  seeder.created.clear();
  await rm(join(dir, 'state.json'), { force: true });
  estate = await seedEstate(seeder);
  proxy.clearRequests();
});
afterEach(() => proxy.clearFaults());

const cli = (...args: string[]) => runCli([...args, '--region', 'us-east-1', '--state', join(dir, 'state.json'), '--format', 'json'], process.env);
const ids = (r: Awaited<ReturnType<typeof cli>>) => ((r.json().findings as Array<{ resource: { id: string } }>) ?? []).map((f) => f.resource.id).sort();
const zeroGrace = ['--grace', '0s', '--cluster-deleted-grace', '0s'];

describe('faults in front of moto', () => {
  test('throttling and a 5xx on the listing are retried; the sweep completes with the same result', async () => {
    const clean = ids(await cli('scan'));
    proxy.addFault({ action: 'DescribeNetworkInterfaces', kind: 'throttle', times: 1 });
    proxy.addFault({ action: 'DescribeNetworkInterfaces', kind: 'server-error', times: 1 });
    proxy.addFault({ path: /^\/clusters$/, kind: 'throttle', times: 1 });
    const faulty = await cli('scan');
    expect(faulty.code).toBe(0);
    expect(ids(faulty)).toEqual(clean);
    expect(proxy.requests.filter((r) => r.fault).length).toBe(3);
  });

  test('a lookup that keeps failing becomes a gap, and no proof depends on it', async () => {
    proxy.addFault({ action: 'DescribeInstances', kind: 'server-error', times: Infinity });
    await cli('scan');
    const r = await cli('cleanup', '--execute', ...zeroGrace);
    expect(r.code).toBe(0);
    const doc = r.json() as { gaps: Array<{ source: string }>; deleted: string[] };
    expect(doc.gaps.map((g) => g.source)).toEqual(['ec2:DescribeInstances']);
    // beta's ENIs (cluster deleted) and alpha's branch ENIs (trunk gone) have proofs that do not
    // need the instance lookup; the CNI ENI's only proof would have been its instance.
    expect(doc.deleted).toEqual([...estate.betaOrphans, ...estate.branchOrphans].sort());
    expect(await seeder.existingEniIds()).toContain(estate.cniOrphan);
  });

  test('a hung instance lookup times out into a gap instead of stalling the sweep', async () => {
    proxy.addFault({ action: 'DescribeInstances', kind: 'timeout', times: Infinity });
    const started = Date.now();
    const r = await cli('scan');
    expect(r.code).toBe(0);
    expect(Date.now() - started).toBeLessThan(30_000);
    expect((r.json().gaps as Array<{ source: string; reason: string }>)[0]).toMatchObject({ source: 'ec2:DescribeInstances' });
    expect(ids(r)).not.toContain(estate.cniOrphan);
  });

  test('a listing that keeps failing fails the run cleanly: exit 3, nothing deleted', async () => {
    proxy.addFault({ action: 'DescribeNetworkInterfaces', kind: 'throttle', times: Infinity });
    const before = await seeder.existingEniIds();
    const r = await cli('cleanup', '--execute', ...zeroGrace);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/RequestLimitExceeded/);
    expect(r.stdout).toBe('');
    expect(proxy.requests.some((q) => q.action === 'DeleteNetworkInterface')).toBe(false);
    expect(await seeder.existingEniIds()).toEqual(before);
  });

  test('an ENI that cannot be re-checked right before deletion is never deleted', async () => {
    const clients = createAwsClients({ region: 'us-east-1', maxAttempts: 2, requestTimeoutMs: 1500 });
    const config = AuditConfigSchema.parse({ cleanup: { graceSeconds: 0, clusterDeletedGraceSeconds: 0 } });
    const scan = await runScan({ source: { kind: 'aws', region: 'us-east-1', clients }, clusters: null, config, store: new MemoryStateStore() });
    const plan = planCleanup(scan.findings, scan.inventory, config.cleanup);
    expect(plan.planned.length).toBe(6);
    const before = await seeder.existingEniIds();
    proxy.addFault({ action: 'DescribeNetworkInterfaces', kind: 'throttle', times: Infinity });
    const out = await executeCleanup(clients.ec2, plan, { dryRun: false, concurrency: 6 });
    expect(out.deleted).toEqual([]);
    const plannedIds = new Set(plan.planned.map((p) => p.id));
    const reasons = out.skipped.filter((s) => plannedIds.has(s.id)).map((s) => s.reason.split(':')[0]);
    expect(reasons).toHaveLength(6);
    for (const r of reasons) expect(['recheck-failed', 'aborted']).toContain(r);
    expect(proxy.requests.some((q) => q.action === 'DeleteNetworkInterface')).toBe(false);
    expect(await seeder.existingEniIds()).toEqual(before);
  });

  test('deletions that fail are reported, stop the run after five in a row, and exit 3', async () => {
    proxy.addFault({ action: 'DeleteNetworkInterface', kind: 'server-error', times: Infinity });
    const before = await seeder.existingEniIds();
    const r = await cli('cleanup', '--execute', ...zeroGrace);
    expect(r.code).toBe(3);
    const doc = r.json() as { deleted: string[]; skipped: Array<{ reason: string }> };
    expect(doc.deleted).toEqual([]);
    expect(doc.skipped.filter((s) => s.reason.startsWith('delete-failed: InternalError')).length).toBeGreaterThanOrEqual(5);
    expect(await seeder.existingEniIds()).toEqual(before);
  });
});
