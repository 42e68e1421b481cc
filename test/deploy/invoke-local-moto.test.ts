// `osls invoke local` with the samples from events/, against moto, as docs/deploy.md shows: the
// bundled handler (esbuild, .cjs) really loads and runs, and a bad event fails the invocation.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EC2Client } from '@aws-sdk/client-ec2';
import { EKSClient } from '@aws-sdk/client-eks';
import { CreateScheduleGroupCommand, GetScheduleCommand, ListSchedulesCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { awsTestEnv, clientConfig, startMoto, type MotoServer } from '../harness/moto.js';
import { runOsls, serviceCopy } from '../fixtures/osls.js';
import { AwsSeeder, seedEstate } from '../fixtures/seed-aws.js';

// What `--stage local` names them (serverless.yml): the stack would create both.
const TABLE = 'vpc-cni-auditor-local-state';
const GROUP = 'vpc-cni-auditor-local-rechecks';

let moto: MotoServer;
let copy: Awaited<ReturnType<typeof serviceCopy>>;
let seeder: AwsSeeder;

beforeAll(async () => {
  [moto, copy] = await Promise.all([startMoto(), serviceCopy()]);
  await new DynamoDBClient(clientConfig(moto.endpoint)).send(new CreateTableCommand({
    TableName: TABLE, BillingMode: 'PAY_PER_REQUEST',
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'S' }],
  }));
  await new SchedulerClient(clientConfig(moto.endpoint)).send(new CreateScheduleGroupCommand({ Name: GROUP }));
  seeder = new AwsSeeder(new EC2Client(clientConfig(moto.endpoint)), new EKSClient(clientConfig(moto.endpoint)));
  await seedEstate(seeder);
}, 120_000);
afterAll(async () => {
  await moto?.stop();
  await copy?.remove();
});

const invoke = (fn: string, event: string, extra: string[] = []) =>
  runOsls(copy.dir, ['invoke', 'local', '--stage', 'local', '-f', fn, '-p', event, ...extra], { ...awsTestEnv(moto.endpoint), POWERTOOLS_LOG_LEVEL: 'WARN' }, 120);

describe('osls invoke local against moto', () => {
  test('the DeleteCluster sample: the cluster is gone, its orphans are inside their grace, a re-check is scheduled', async () => {
    const before = await seeder.existingEniIds();
    const r = await invoke('onEksDeletion', 'events/eks-delete-cluster.json', ['-e', 'CLEANUP_MODE=execute']);
    console.info(`osls invoke local onEksDeletion: ${r.ms} ms`);
    expect({ code: r.code, stderr: r.stderr }).toMatchObject({ code: 0 });
    expect(r.stdout).toMatch(/"outcome": "cleanup-pending"/);
    expect(r.stdout).toMatch(/"schedule": "created"/);
    const scheduler = new SchedulerClient(clientConfig(moto.endpoint));
    const schedules = (await scheduler.send(new ListSchedulesCommand({ GroupName: GROUP }))).Schedules ?? [];
    expect(schedules).toHaveLength(1);
    // invoke local has no invocation ARN: the local stage names the function the schedule will invoke.
    const s = await scheduler.send(new GetScheduleCommand({ GroupName: GROUP, Name: schedules[0]!.Name! }));
    expect(s.Target).toMatchObject({ Arn: 'arn:aws:lambda:us-east-1:123456789012:function:vpc-cni-auditor-local-onEksDeletion', RoleArn: 'arn:aws:iam::123456789012:role/vpc-cni-auditor-local-recheck' });
    expect(JSON.parse(s.Target!.Input!)).toMatchObject({ source: 'vpc-cni-auditor.recheck', cluster: 'beta', attempt: 2 });
    expect(await seeder.existingEniIds()).toEqual(before);
  }, 150_000);

  test('an invalid sample fails the invocation with a clear message', async () => {
    const r = await invoke('onEksDeletion', 'events/invalid/eks-wrong-source.json');
    expect(r.code).toBe(1);
    expect(`${r.stdout}${r.stderr}`).toMatch(/invalid event: source: Invalid discriminator value/);
  }, 150_000);
});
