import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EC2Client } from '@aws-sdk/client-ec2';
import { EKSClient } from '@aws-sdk/client-eks';
import type { Context } from 'aws-lambda';
import { handler as sweepHandler } from '../../functions/sweep.js';
import { handler as cleanupHandler } from '../../functions/cleanup.js';
import { resetRuntime } from '../../functions/lib/runtime.js';
import { DynamoDbStateStore } from '../../src/state/dynamodb-store.js';
import { sightingsPartition } from '../../src/state/sightings.js';
import { clientConfig, startMoto, type MotoServer } from '../harness/moto.js';
import { useAwsEnv } from '../fixtures/aws-env.js';
import { AwsSeeder, seedEstate } from '../fixtures/seed-aws.js';

const TABLE = 'vpc-cni-auditor-state';
const ctx = { functionName: 'fn', awsRequestId: 'req-1', getRemainingTimeInMillis: () => 300_000 } as unknown as Context;
const scheduled = {
  version: '0', id: '53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa', 'detail-type': 'Scheduled Event', source: 'aws.events',
  account: '123456789012', time: '2026-11-20T12:00:00Z', region: 'us-east-1',
  resources: ['arn:aws:events:us-east-1:123456789012:rule/vpc-cni-auditor-sweep'], detail: {},
};

let moto: MotoServer;
let restoreEnv: () => void;
let seeder: AwsSeeder;
let store: DynamoDbStateStore;
let estate: Awaited<ReturnType<typeof seedEstate>>;

beforeAll(async () => {
  moto = await startMoto();
  restoreEnv = useAwsEnv(moto.endpoint, { STATE_TABLE: TABLE, POWERTOOLS_LOG_LEVEL: 'WARN' });
  seeder = new AwsSeeder(new EC2Client(clientConfig(moto.endpoint)), new EKSClient(clientConfig(moto.endpoint)));
  store = new DynamoDbStateStore(new DynamoDBClient(clientConfig(moto.endpoint)), TABLE);
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
  estate = await seedEstate(seeder);
});

/** Moves every sighting an hour into the past, as if earlier sweeps had run. */
async function ageSightings(minutes: number) {
  const partition = sightingsPartition('us-east-1');
  const items = await store.list(partition);
  const first = new Date(Date.now() - minutes * 60_000).toISOString();
  const last = new Date(Date.now() - 5 * 60_000).toISOString();
  await store.putMany(partition, items.map((i) => ({ ...i, data: { ...i.data, firstSeen: first, lastSeen: last } })));
}

const orphans = () => [...estate.betaOrphans, ...estate.branchOrphans, estate.cniOrphan].sort();

describe('Lambda handlers against moto', () => {
  test('the scheduled sweep records sightings in DynamoDB, plans after the grace, deletes only with CLEANUP_MODE=execute', async () => {
    const before = await seeder.existingEniIds();
    const first = await sweepHandler(scheduled as never, ctx);
    expect(first).toMatchObject({ dryRun: true, planned: [], deleted: [] });
    expect((await store.list(sightingsPartition('us-east-1'))).map((i) => i.id).sort()).toEqual([...orphans(), estate.branchIgnored].sort());

    await ageSightings(60);
    const planned = await sweepHandler(scheduled as never, ctx);
    expect([...planned.planned].sort()).toEqual(orphans());
    expect(planned.deleted).toEqual([]);
    expect(await seeder.existingEniIds()).toEqual(before);

    process.env.CLEANUP_MODE = 'execute';
    const executed = await sweepHandler(scheduled as never, ctx);
    expect(executed.dryRun).toBe(false);
    expect(executed.deleted).toEqual(orphans());
    expect(await seeder.existingEniIds()).toEqual(before.filter((id) => !orphans().includes(id)));
    // Deleted ENIs leave the state table; the ignored one stays tracked.
    expect((await store.list(sightingsPartition('us-east-1'))).map((i) => i.id)).toEqual([estate.branchIgnored]);
  });

  test('manual cleanup: dry run by default, then one cluster only with dryRun false', async () => {
    const before = await seeder.existingEniIds();
    const plan = await cleanupHandler({ clusters: ['beta'], clusterDeletedGrace: '0s' } as never, ctx);
    expect(plan).toMatchObject({ dryRun: true, deleted: [] });
    expect([...plan.planned].sort()).toEqual(estate.betaOrphans);
    expect(await seeder.existingEniIds()).toEqual(before);

    const done = await cleanupHandler({ clusters: ['beta'], clusterDeletedGrace: '0s', dryRun: false } as never, ctx);
    expect(done.deleted).toEqual(estate.betaOrphans);
    expect(await seeder.existingEniIds()).toEqual(before.filter((id) => !estate.betaOrphans.includes(id)));
  });

  test('malformed events and payloads are rejected and nothing is deleted', async () => {
    process.env.CLEANUP_MODE = 'execute';
    await ageSightings(60);
    const before = await seeder.existingEniIds();
    await expect(sweepHandler({ ...scheduled, source: 'aws.ec2' } as never, ctx)).rejects.toThrow(/invalid event: source/);
    await expect(sweepHandler({ ...scheduled, 'detail-type': undefined } as never, ctx)).rejects.toThrow(/invalid event: detail-type/);
    await expect(cleanupHandler({ dryRun: false, cluster: 'beta' } as never, ctx)).rejects.toThrow(/invalid event: .*cluster/);
    await expect(cleanupHandler('{"dryRun": false}' as never, ctx)).rejects.toThrow(/invalid event/);
    expect(await seeder.existingEniIds()).toEqual(before);
  });
});
