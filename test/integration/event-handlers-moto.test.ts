// The event-driven handlers end to end against moto: the sample events from events/, DynamoDB
// sightings, EventBridge Scheduler re-checks (moto stores schedules but never fires them, so the test
// delivers a schedule's Input itself, exactly as Scheduler would), and real deletions.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EC2Client } from '@aws-sdk/client-ec2';
import { EKSClient } from '@aws-sdk/client-eks';
import { CreateScheduleGroupCommand, GetScheduleCommand, ListSchedulesCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import type { Context } from 'aws-lambda';
import { handler as onEksDeletion } from '../../functions/onEksDeletion.js';
import { handler as onInstanceTerminated } from '../../functions/onInstanceTerminated.js';
import { handler as sweep } from '../../functions/sweep.js';
import { resetRuntime } from '../../functions/lib/runtime.js';
import { MAX_EVENT_BYTES } from '../../functions/lib/event-size.js';
import type { EksDeletionReport } from '../../src/run/eks-deletion.js';
import { DynamoDbStateStore } from '../../src/state/dynamodb-store.js';
import { sightingsPartition } from '../../src/state/sightings.js';
import { clientConfig, startMoto, type MotoServer } from '../harness/moto.js';
import { useAwsEnv } from '../fixtures/aws-env.js';
import { AwsSeeder, seedEstate } from '../fixtures/seed-aws.js';

const TABLE = 'vpc-cni-auditor-test-state';
const GROUP = 'vpc-cni-auditor-test-rechecks';
const FUNCTION_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:vpc-cni-auditor-test-onEksDeletion';
const ctx = { functionName: 'fn', awsRequestId: 'req-1', invokedFunctionArn: FUNCTION_ARN, getRemainingTimeInMillis: () => 300_000 } as unknown as Context;
const sample = (name: string) => JSON.parse(readFileSync(`events/${name}`, 'utf8')) as Record<string, unknown> & { detail: Record<string, unknown> };

let moto: MotoServer;
let restoreEnv: () => void;
let seeder: AwsSeeder;
let store: DynamoDbStateStore;
let scheduler: SchedulerClient;
let estate: Awaited<ReturnType<typeof seedEstate>>;

beforeAll(async () => {
  moto = await startMoto();
  restoreEnv = useAwsEnv(moto.endpoint, {
    STATE_TABLE: TABLE, RECHECK_SCHEDULE_GROUP: GROUP, RECHECK_ROLE_ARN: 'arn:aws:iam::123456789012:role/vpc-cni-auditor-test-recheck',
    POWERTOOLS_LOG_LEVEL: 'WARN',
  });
  seeder = new AwsSeeder(new EC2Client(clientConfig(moto.endpoint)), new EKSClient(clientConfig(moto.endpoint)));
  store = new DynamoDbStateStore(new DynamoDBClient(clientConfig(moto.endpoint)), TABLE);
  scheduler = new SchedulerClient(clientConfig(moto.endpoint));
});
afterAll(async () => {
  restoreEnv();
  resetRuntime();
  await moto.stop();
});
beforeEach(async () => {
  await moto.reset();
  seeder.created.clear();
  delete process.env.CLEANUP_MODE;
  resetRuntime();
  await new DynamoDBClient(clientConfig(moto.endpoint)).send(new CreateTableCommand({
    TableName: TABLE, BillingMode: 'PAY_PER_REQUEST',
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'S' }],
  }));
  await scheduler.send(new CreateScheduleGroupCommand({ Name: GROUP }));
  estate = await seedEstate(seeder);
});

/** Moves every sighting into the past, as if the orphans had been seen that long ago. */
async function ageSightings(minutes: number) {
  const partition = sightingsPartition('us-east-1');
  const items = await store.list(partition);
  const first = new Date(Date.now() - minutes * 60_000).toISOString();
  const last = new Date(Date.now() - 60_000).toISOString();
  await store.putMany(partition, items.map((i) => ({ ...i, data: { ...i.data, firstSeen: first, lastSeen: last } })));
}
const sightedIds = async () => (await store.list(sightingsPartition('us-east-1'))).map((i) => i.id).sort();
const schedules = async () => (await scheduler.send(new ListSchedulesCommand({ GroupName: GROUP }))).Schedules ?? [];
/** What EventBridge Scheduler would deliver: the schedule's target input, verbatim. */
async function deliver(name: string) {
  const s = await scheduler.send(new GetScheduleCommand({ GroupName: GROUP, Name: name }));
  expect(s.Target?.Arn).toBe(FUNCTION_ARN);
  return JSON.parse(s.Target!.Input!) as Record<string, unknown>;
}
const scheduledSweep = sample('sweep-scheduled.json');

describe('DeleteCluster, end to end', () => {
  test('the sample event, cluster deleted, execution on: re-checks after the grace, then deletes that cluster\'s branch ENIs only', async () => {
    process.env.CLEANUP_MODE = 'execute';
    const before = await seeder.existingEniIds();

    // The CloudTrail event: "beta" is gone, its orphans are seen for the first time (inside their grace).
    const first = await onEksDeletion(sample('eks-delete-cluster.json') as never, ctx) as EksDeletionReport;
    expect(first).toMatchObject({ outcome: 'cleanup-pending', attempt: 1, deletion: { state: 'gone' } });
    expect(first.cleanup?.deleted).toEqual([]);
    expect(first.cleanup?.skipped.map((s) => s.id).sort()).toEqual(estate.betaOrphans);
    expect(first.next).toMatchObject({ attempt: 2, schedule: 'created' });
    // Deleted-cluster grace (5m) plus a margin.
    expect(Date.parse(first.next!.at) - Date.now()).toBeGreaterThan(5 * 60_000);
    expect(await seeder.existingEniIds()).toEqual(before);

    const [scheduled] = await schedules();
    expect(await schedules()).toHaveLength(1);
    const payload = await deliver(scheduled!.Name!);
    expect(payload).toEqual({ source: 'vpc-cni-auditor.recheck', version: 1, origin: '3f1b7c2e-8a7d-4c36-9d4e-2f6a1b0c9e11', firstEventAt: '2026-11-20T12:00:05.000Z', cluster: 'beta', attempt: 2 });

    // Meanwhile a (dry-run) sweep has seen alpha's orphans too; then the grace passes for everything.
    delete process.env.CLEANUP_MODE;
    await sweep(scheduledSweep as never, ctx);
    await ageSightings(10);
    process.env.CLEANUP_MODE = 'execute';

    // The re-check fires: beta's branch ENIs are deleted; alpha's orphans, past their grace too, are not its business.
    const second = await onEksDeletion(payload as never, ctx) as EksDeletionReport;
    expect(second).toMatchObject({ outcome: 'done', attempt: 2, next: null });
    expect(second.cleanup?.deleted).toEqual(estate.betaOrphans);
    expect(await seeder.existingEniIds()).toEqual(before.filter((id) => !estate.betaOrphans.includes(id)));
    for (const id of [...estate.branchOrphans, estate.cniOrphan]) expect(await seeder.existingEniIds()).toContain(id);
  });

  test('a dry-run deployment plans the same deletions and deletes nothing', async () => {
    const before = await seeder.existingEniIds();
    await onEksDeletion(sample('eks-delete-cluster.json') as never, ctx);
    await ageSightings(10);
    const payload = await deliver((await schedules())[0]!.Name!);
    const plan = await onEksDeletion(payload as never, ctx) as EksDeletionReport;
    expect(plan.cleanup).toMatchObject({ dryRun: true, deleted: [] });
    expect([...plan.cleanup!.planned].sort()).toEqual(estate.betaOrphans);
    expect(plan.outcome).toBe('done');
    expect(await seeder.existingEniIds()).toEqual(before);
  });

  test('the same event delivered twice schedules one re-check, not two', async () => {
    const a = await onEksDeletion(sample('eks-delete-cluster.json') as never, ctx) as EksDeletionReport;
    const b = await onEksDeletion(sample('eks-delete-cluster.json') as never, ctx) as EksDeletionReport;
    expect(a.next?.schedule).toBe('created');
    expect(b.next?.schedule).toBe('exists');
    expect(await schedules()).toHaveLength(1);
  });
});

describe('DeleteNodegroup, end to end', () => {
  test('once the node group is gone, the cluster-scoped cleanup takes its terminated nodes\' ENIs', async () => {
    await sweep(scheduledSweep as never, ctx);
    await ageSightings(20);
    process.env.CLEANUP_MODE = 'execute';
    const before = await seeder.existingEniIds();
    // moto has no such node group: DescribeNodegroup answers ResourceNotFoundException, as EKS does once it is deleted.
    const r = await onEksDeletion(sample('eks-delete-nodegroup.json') as never, ctx) as EksDeletionReport;
    expect(r).toMatchObject({ outcome: 'done', target: { cluster: 'alpha', nodegroup: 'alpha-general-2026' }, deletion: { state: 'gone' } });
    expect(r.cleanup?.scope).toEqual({ clusters: ['alpha'] });
    const alphaOrphans = [...estate.branchOrphans, estate.cniOrphan].sort();
    expect(r.cleanup?.deleted).toEqual(alphaOrphans);
    expect(r.cleanup?.skipped).toEqual([{ id: estate.branchIgnored, reason: 'ignore-tag: vpc-cni-auditor/ignore=true' }]);
    expect(await seeder.existingEniIds()).toEqual(before.filter((id) => !alphaOrphans.includes(id)));
  });
});

describe('EC2 instance terminated, end to end', () => {
  const terminated = (instanceId: string) => {
    const e = sample('ec2-instance-terminated.json');
    return { ...e, resources: [`arn:aws:ec2:us-east-1:123456789012:instance/${instanceId}`], detail: { ...e.detail, 'instance-id': instanceId } };
  };

  test('considers only the ENIs tagged with that instance, and starts their grace', async () => {
    process.env.CLEANUP_MODE = 'execute';
    const before = await seeder.existingEniIds();
    const r = await onInstanceTerminated(terminated(estate.instances.dead) as never, ctx);
    expect(r.scope).toEqual({ clusters: null, instanceId: estate.instances.dead });
    const mine = [...estate.branchOrphans, estate.branchIgnored, estate.cniOrphan].sort();
    expect(r.findings.map((f) => f.resource.id).sort()).toEqual(mine);
    // Seen for the first time: nothing is deleted (the resource controller gets its minute, and more).
    expect(r.deleted).toEqual([]);
    expect(await seeder.existingEniIds()).toEqual(before);
    // Only this instance's orphans were recorded: beta's leaks were not even looked at.
    expect(await sightedIds()).toEqual(mine);
  });

  test('past the grace, with execution on, it deletes that instance\'s orphans and nothing else', async () => {
    await sweep(scheduledSweep as never, ctx);
    await ageSightings(20);
    process.env.CLEANUP_MODE = 'execute';
    const before = await seeder.existingEniIds();
    const r = await onInstanceTerminated(terminated(estate.instances.dead) as never, ctx);
    const deletable = [...estate.branchOrphans, estate.cniOrphan].sort();
    expect(r.deleted).toEqual(deletable);
    expect(await seeder.existingEniIds()).toEqual(before.filter((id) => !deletable.includes(id)));
    // beta's orphans, also past their grace, are still there for the sweep.
    for (const id of estate.betaOrphans) expect(await seeder.existingEniIds()).toContain(id);
    // Sightings of ENIs outside the instance scope are kept.
    expect(await sightedIds()).toEqual([...estate.betaOrphans, estate.branchIgnored].sort());
  });

  test('a live instance\'s event finds nothing to do', async () => {
    process.env.CLEANUP_MODE = 'execute';
    const r = await onInstanceTerminated(terminated(estate.instances.live) as never, ctx);
    expect(r.findings).toEqual([]);
    expect(r.deleted).toEqual([]);
  });
});

describe('bad events, end to end', () => {
  test('wrong source, missing fields, oversized payloads: rejected, nothing deleted, nothing scheduled', async () => {
    await sweep(scheduledSweep as never, ctx);
    await ageSightings(60);
    process.env.CLEANUP_MODE = 'execute';
    const before = await seeder.existingEniIds();
    const dc = sample('eks-delete-cluster.json');
    const bad: Array<[unknown, RegExp]> = [
      [sample('invalid/eks-wrong-source.json'), /invalid event: source/],
      [sample('invalid/eks-missing-cluster-name.json'), /invalid event: detail.requestParameters.name/],
      [{ ...dc, detail: { ...dc.detail, padding: 'x'.repeat(MAX_EVENT_BYTES) } }, /over the 262144-byte limit/],
      [{ ...sample('eks-recheck.json'), cluster: undefined }, /invalid event: cluster/],
    ];
    for (const [event, message] of bad) await expect(onEksDeletion(event as never, ctx)).rejects.toThrow(message);
    await expect(onInstanceTerminated(sample('invalid/ec2-instance-running.json') as never, ctx)).rejects.toThrow(/invalid event: detail.state/);
    const ev = sample('ec2-instance-terminated.json');
    await expect(onInstanceTerminated({ ...ev, detail: { state: 'terminated', 'instance-id': estate.instances.dead, padding: 'x'.repeat(MAX_EVENT_BYTES) } } as never, ctx)).rejects.toThrow(/over the 262144-byte limit/);
    await expect(onInstanceTerminated({ ...ev, source: 'aws.autoscaling', detail: { state: 'terminated', 'instance-id': estate.instances.dead } } as never, ctx)).rejects.toThrow(/invalid event: source/);
    expect(await seeder.existingEniIds()).toEqual(before);
    expect(await schedules()).toEqual([]);
  });
});
