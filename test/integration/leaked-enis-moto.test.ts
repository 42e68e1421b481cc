import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { EC2Client } from '@aws-sdk/client-ec2';
import { EKSClient } from '@aws-sdk/client-eks';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDbStateStore } from '../../src/state/dynamodb-store.js';
import { sightingsPartition } from '../../src/state/sightings.js';
import { clientConfig, startMoto, type MotoServer } from '../harness/moto.js';
import { useAwsEnv } from '../fixtures/aws-env.js';
import { runCli } from '../fixtures/cli.js';
import { AwsSeeder, seedEstate } from '../fixtures/seed-aws.js';

let moto: MotoServer;
let restoreEnv: () => void;
let seeder: AwsSeeder;
let estate: Awaited<ReturnType<typeof seedEstate>>;
let dir: string;

beforeAll(async () => {
  moto = await startMoto();
  restoreEnv = useAwsEnv(moto.endpoint);
  seeder = new AwsSeeder(new EC2Client(clientConfig(moto.endpoint)), new EKSClient(clientConfig(moto.endpoint)));
  dir = await mkdtemp(join(tmpdir(), 'vca-moto-'));
});
afterAll(async () => {
  restoreEnv();
  await moto.stop();
  await rm(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  await moto.reset();
  seeder.created.clear();
  await rm(join(dir, 'state.json'), { force: true });
  estate = await seedEstate(seeder);
});

type Report = { findings: Array<{ code: string; severity: string; resource: { id: string }; cluster: string | null }>; planned: string[]; deleted: string[]; skipped: Array<{ id: string; reason: string }> };
const cli = async (...args: string[]) => {
  const r = await runCli([...args, '--region', 'us-east-1', '--state', join(dir, 'state.json'), '--format', 'json'], process.env);
  if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.stderr}`);
  return r.json() as unknown as Report;
};
const byCode = (r: Report) => {
  const out: Record<string, string[]> = {};
  for (const f of r.findings) (out[f.code] ??= []).push(f.resource.id);
  for (const k of Object.keys(out)) out[k]!.sort();
  return out;
};

describe('leaked ENIs end to end against moto (CLI)', () => {
  test('scan finds exactly the leaks and look-alikes', async () => {
    const r = await cli('scan');
    expect(byCode(r)).toEqual({
      LEAKED_BRANCH_ENI: [...estate.betaOrphans, ...estate.branchOrphans, estate.branchIgnored].sort(),
      LEAKED_CNI_ENI: [estate.cniOrphan],
      ENI_LOOKALIKE: [estate.lookalike],
    });
    const severity = Object.fromEntries(r.findings.map((f) => [f.resource.id, f.severity]));
    for (const id of estate.betaOrphans) expect(severity[id]).toBe('critical');
    for (const id of estate.branchOrphans) expect(severity[id]).toBe('warning');
    expect(severity[estate.branchIgnored]).toBe('info');
  });

  test('--cluster limits the scan to that cluster', async () => {
    const r = await cli('scan', '--cluster', 'beta');
    expect(byCode(r)).toEqual({ LEAKED_BRANCH_ENI: estate.betaOrphans });
  });

  test('cleanup: grace first, dry run by default, then exactly the proven orphans', async () => {
    const before = await seeder.existingEniIds();

    // First sighting: everything is within its grace period, and this is a dry run anyway.
    const first = await cli('cleanup');
    expect(first.planned).toEqual([]);
    expect(first.skipped.every((s) => /^(within-grace|ignore-tag)/.test(s.reason))).toBe(true);
    expect(await seeder.existingEniIds()).toEqual(before);

    // Grace satisfied but no --execute: a plan, still nothing deleted.
    const plan = await cli('cleanup', '--grace', '0s', '--cluster-deleted-grace', '0s');
    const orphans = [...estate.betaOrphans, ...estate.branchOrphans, estate.cniOrphan].sort();
    expect([...plan.planned].sort()).toEqual(orphans);
    expect(plan.deleted).toEqual([]);
    expect(await seeder.existingEniIds()).toEqual(before);

    // Execute, one cluster at a time: beta's ENIs only.
    const beta = await cli('cleanup', '--execute', '--cluster', 'beta', '--cluster-deleted-grace', '0s');
    expect(beta.deleted).toEqual(estate.betaOrphans);
    expect(await seeder.existingEniIds()).toEqual(before.filter((id) => !estate.betaOrphans.includes(id)));

    // Then the rest, capped at 2 per run.
    const capped = await cli('cleanup', '--execute', '--grace', '0s', '--max-deletes', '2');
    expect(capped.deleted).toHaveLength(2);
    expect(capped.skipped.filter((s) => s.reason.startsWith('cap-reached'))).toHaveLength(1);
    const rest = await cli('cleanup', '--execute', '--grace', '0s');
    expect([...capped.deleted, ...rest.deleted].sort()).toEqual([...estate.branchOrphans, estate.cniOrphan].sort());
    expect(rest.skipped).toEqual([{ id: estate.branchIgnored, reason: 'ignore-tag: vpc-cni-auditor/ignore=true' }]);

    // What is left: everything that was never proven orphaned, owned by EKS, or deletable.
    const kept = [estate.trunk, estate.branchInUse, estate.branchCoolDown, estate.branchIgnored, estate.cniLive, estate.lookalike, estate.unrelated].sort();
    expect(await seeder.existingEniIds()).toEqual(kept);
  });

  test('snapshot --out captures the live state; scan --snapshot finds the same', async () => {
    const live = await cli('scan');
    const out = join(dir, `snap-${Date.now()}`);
    const written = await runCli(['snapshot', '--out', out, '--region', 'us-east-1'], process.env);
    expect(written.code).toBe(0);
    const offline = await runCli(['scan', '--snapshot', out, '--format', 'json']);
    expect(offline.code).toBe(0);
    const strip = (r: Report) => r.findings.map((f) => [f.code, f.severity, f.resource.id, f.cluster]);
    expect(strip(offline.json() as unknown as Report)).toEqual(strip(live));
    // Writing again into the same folder is refused: an earlier capture is never overwritten.
    const again = await runCli(['snapshot', '--out', out, '--region', 'us-east-1'], process.env);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/not empty/);
  });

  test('--state-table keeps sightings in DynamoDB, shared with the Lambda deployment', async () => {
    const ddb = new DynamoDBClient(clientConfig(moto.endpoint));
    await ddb.send(new CreateTableCommand({
      TableName: 'cli-state', BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'S' }],
    }));
    const r = await runCli(['cleanup', '--region', 'us-east-1', '--state-table', 'cli-state', '--format', 'json'], process.env);
    expect(r.code).toBe(0);
    const items = await new DynamoDbStateStore(ddb, 'cli-state').list(sightingsPartition('us-east-1'));
    expect(items.map((i) => i.id).sort()).toEqual([...estate.betaOrphans, ...estate.branchOrphans, estate.branchIgnored, estate.cniOrphan].sort());
  });

  test('the default grace holds: a second run minutes later still deletes nothing', async () => {
    await cli('cleanup');
    const again = await cli('cleanup', '--execute');
    expect(again.deleted).toEqual([]);
    expect(again.skipped.filter((s) => s.reason.startsWith('within-grace'))).toHaveLength(6);
  });
});
