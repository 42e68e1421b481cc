import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { EC2Client } from '@aws-sdk/client-ec2';
import { EKSClient } from '@aws-sdk/client-eks';
import type { Context } from 'aws-lambda';
import { alertPartition } from '../../src/act/alert/lifecycle.js';
import { resetSecretCaches } from '../../src/act/alert/secrets.js';
import { DynamoDbStateStore } from '../../src/state/dynamodb-store.js';
import { resetAlerts } from '../../functions/lib/alerts.js';
import { resetRuntime } from '../../functions/lib/runtime.js';
import { sweep, type ScheduledEvent } from '../../functions/sweep.js';
import { clientConfig, startMoto, type MotoServer } from '../harness/moto.js';
import { useAwsEnv } from '../fixtures/aws-env.js';
import { createAlertTaps } from '../fixtures/alert-taps.js';
import { runCli } from '../fixtures/cli.js';
import { AwsSeeder, seedEstate } from '../fixtures/seed-aws.js';
import { startSlackReceiver, type SlackReceiver } from '../fixtures/slack-receiver.js';

const SECRET_PATH = '/services/T0LAMBDA/B0LAMBDA/hunter2SecretWebhook';
let moto: MotoServer;
let receiver: SlackReceiver;
let restoreEnv: (() => void) | undefined;
let seeder: AwsSeeder;
let estate: Awaited<ReturnType<typeof seedEstate>>;
let taps: Awaited<ReturnType<typeof createAlertTaps>>;
let dir: string;

beforeAll(async () => {
  [moto, receiver] = await Promise.all([startMoto(), startSlackReceiver()]);
  seeder = new AwsSeeder(new EC2Client(clientConfig(moto.endpoint)), new EKSClient(clientConfig(moto.endpoint)));
  dir = await mkdtemp(join(tmpdir(), 'vca-alerts-'));
});
afterAll(async () => {
  await Promise.all([moto.stop(), receiver.stop()]);
  await rm(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  await moto.reset();
  resetSecretCaches();
  seeder.created.clear();
  receiver.received.length = 0;
  receiver.fail(500, 0);
  estate = await seedEstate(seeder);
  taps = await createAlertTaps(moto.endpoint, `${receiver.url}${SECRET_PATH}`);
  await rm(join(dir, 'state.json'), { force: true });
});
afterEach(() => {
  restoreEnv?.();
  restoreEnv = undefined;
});

/** The environment serverless.yml would give the sweep function. */
const alertEnv = (over: Record<string, string> = {}) => ({
  STATE_TABLE: taps.table,
  ALERT_SNS_TOPIC_ARN: taps.topicArn,
  SLACK_WEBHOOK_PARAMETER: taps.parameter,
  ALERT_EVENT_BUS: taps.bus,
  ALERT_DELIVERY_ATTEMPTS: '2',
  ALERT_DELIVERY_BASE_DELAY_MS: '10',
  ALERT_DELIVERY_TIMEOUT_MS: '1000',
  ...over,
});

const ctx = { functionName: 'sweep', awsRequestId: 'req-1', getRemainingTimeInMillis: () => 300_000 } as unknown as Context;
const event = { version: '0', id: 'e-1', 'detail-type': 'Scheduled Event', source: 'aws.events', account: '123456789012', time: new Date().toISOString(), region: 'us-east-1', resources: [], detail: {} } as unknown as ScheduledEvent;

/** Runs fn with stdout and stderr captured: Powertools writes logs (warnings and errors on stderr) and EMF there. */
async function captureStdout<T>(fn: () => Promise<T>): Promise<{ result: T; lines: string[] }> {
  const streams = [process.stdout, process.stderr];
  const writes = streams.map((s) => s.write.bind(s));
  let text = '';
  for (const s of streams) s.write = ((chunk: string | Uint8Array) => { text += chunk.toString(); return true; }) as typeof s.write;
  try {
    const result = await fn();
    return { result, lines: text.split('\n').filter(Boolean) };
  } finally {
    streams.forEach((s, i) => { s.write = writes[i]!; });
  }
}

describe('the Lambda sweep notifies env-configured channels and publishes EMF metrics', () => {
  test('Slack failing: SNS and EventBridge deliver, Slack state stays, the failure is in the result, the logs and the metrics; the URL is nowhere', async () => {
    restoreEnv = useAwsEnv(moto.endpoint, alertEnv());
    resetRuntime();
    resetAlerts();
    receiver.fail(500);
    const { result, lines } = await captureStdout(() => sweep(event, ctx));
    expect(result.notify.failedChannels).toEqual(['slack']);
    expect(result.notify.channels.map((c) => [c.channel, c.delivered, c.failed])).toEqual([['log', 8], ['sns', 6], ['slack', 0], ['eventbridge', 8]].map(([c, d]) => [c, d, c === 'slack' ? 6 : 0]));
    expect(await taps.drainSns()).toHaveLength(3);
    expect(await taps.drainEvents()).toHaveLength(8);
    const store = new DynamoDbStateStore(taps.ddb, taps.table);
    expect(await store.list(alertPartition('us-east-1', 'slack'))).toEqual([]);
    expect(await store.list(alertPartition('us-east-1', 'sns'))).toHaveLength(6);

    const docs = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const emf = docs.filter((d) => d._aws);
    const metric = (name: string, dims: Record<string, string> = {}) => emf.filter((d) => name in d && Object.entries(dims).every(([k, v]) => d[k] === v)).map((d) => d[name]);
    expect(metric('Findings', { Code: 'LEAKED_BRANCH_ENI', Severity: 'critical' })).toEqual([3]);
    expect(metric('FindingsTotal')).toEqual([8]);
    expect(metric('EnisDeleted')).toEqual([0]);
    expect(metric('SweepDuration')[0]).toEqual(expect.any(Number));
    expect(metric('ApiErrors', { Source: 'notify' })).toEqual([1]);
    expect(metric('NotificationFailures', { Channel: 'slack' })).toEqual([6]);
    expect(metric('NotificationsSent', { Channel: 'sns' })).toEqual([6]);
    const namespaces = new Set(emf.map((d) => (d._aws as { CloudWatchMetrics: Array<{ Namespace: string }> }).CloudWatchMetrics[0]!.Namespace));
    expect(namespaces).toEqual(new Set(['VpcCniAuditor']));
    // Structured logs: one line per notification, and the channel failure with its redacted reason.
    expect(docs.filter((d) => d.message === 'finding new')).toHaveLength(8);
    expect(docs.find((d) => String(d.message).startsWith('alert channel failed'))).toMatchObject({ level: 'ERROR', error: 'Slack answered HTTP 500 internal_error' });
    expect(lines.join('\n')).not.toContain('hunter2');
    expect(JSON.stringify(result)).not.toContain('hunter2');

    // Slack back: the next sweep sends it everything; SNS and EventBridge stay quiet.
    receiver.fail(500, 0);
    const { result: again } = await captureStdout(() => sweep(event, ctx));
    expect(again.notify.channels.map((c) => [c.channel, c.delivered])).toEqual([['log', 0], ['sns', 0], ['slack', 6], ['eventbridge', 0]]);
    expect(receiver.received).toHaveLength(1);
  });

  test('a misconfigured environment is reported, never fails the sweep', async () => {
    restoreEnv = useAwsEnv(moto.endpoint, alertEnv({ ALERT_SNS_MIN_SEVERITY: 'loud' }));
    resetRuntime();
    resetAlerts();
    const { result } = await captureStdout(() => sweep(event, ctx));
    expect(result.summary.total).toBe(8);
    expect(result.notify.failedChannels).toEqual(['config']);
    expect(result.notify.channels[0]!.error).toMatch(/ALERT_SNS_MIN_SEVERITY: unknown severity "loud"/);
  });
});

describe('the CLI: --notify, notify --test, silences', () => {
  const cli = (args: string[], env: Record<string, string>) =>
    runCli([...args, '--region', 'us-east-1'], { ...process.env, ...env }, dir);

  test('cleanup --notify sends once, then only changes; the JSON document carries a notify summary', async () => {
    restoreEnv = useAwsEnv(moto.endpoint);
    const env = alertEnv();
    const first = await cli(['cleanup', '--notify', '--state', 'state.json', '--format', 'json'], env);
    expect(first.code).toBe(0);
    const doc = first.json() as { notify: { channels: Array<{ channel: string; notifications: { new: number }; delivered: number }> } };
    expect(doc.notify.channels.map((c) => [c.channel, c.notifications.new, c.delivered])).toEqual([['log', 8, 8], ['sns', 6, 6], ['slack', 6, 6], ['eventbridge', 8, 8]]);
    expect(receiver.received[0]!.body.blocks).toEqual(expect.arrayContaining([expect.objectContaining({ text: expect.objectContaining({ text: expect.stringMatching(/^\*Cleanup\* \(dry run\): 0 planned · 0 deleted · 7 skipped \(within-grace 6, ignore-tag 1\)/) }) })]));
    const second = await cli(['cleanup', '--notify', '--state', 'state.json'], env);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('Notifications:\n  log: 0 new, 0 escalated, 0 repeated, 0 resolved; nothing to send');
    expect(receiver.received).toHaveLength(1);
  });

  test('--notify with a failing Slack exits 3 and says so, without the URL', async () => {
    restoreEnv = useAwsEnv(moto.endpoint);
    receiver.fail(503);
    const r = await cli(['scan', '--notify', '--state', 'state.json'], alertEnv());
    expect(r.code).toBe(3);
    expect(r.stdout).toContain(`slack (webhook from ssm parameter ${taps.parameter}): 6 new, 0 escalated, 0 repeated, 0 resolved; FAILED after 2 attempts: Slack answered HTTP 503 internal_error (state not advanced: sent again next run)`);
    expect(r.stdout + r.stderr).not.toContain('hunter2');
  });

  test('notify --test sends a sample to every channel (Slack URL from Secrets Manager here)', async () => {
    restoreEnv = useAwsEnv(moto.endpoint);
    const env = alertEnv({ SLACK_WEBHOOK_PARAMETER: '', SLACK_WEBHOOK_SECRET_ARN: taps.secretArn });
    const r = await cli(['notify', '--test'], env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`slack (webhook from secrets manager secret ${taps.secretArn}): 1 new`);
    const sns = await taps.drainSns();
    expect(sns).toHaveLength(1);
    expect(JSON.parse(sns[0]!.body)).toMatchObject({ test: true, code: 'TEST_NOTIFICATION' });
    const events = await taps.drainEvents();
    expect(JSON.parse(events[0]!.body)).toMatchObject({ 'detail-type': 'TEST_NOTIFICATION', detail: { test: true } });
    expect(receiver.received[0]!.body.text).toBe('vpc-cni-auditor test notification for us-east-1 (123456789012)');
    // Nothing of the sample is kept: a test never touches lifecycle state.
    expect(await new DynamoDbStateStore(taps.ddb, taps.table).list(alertPartition('us-east-1', 'sns'))).toEqual([]);

    receiver.fail('reset');
    const failed = await cli(['notify', '--test'], env);
    expect(failed.code).toBe(3);
    expect(failed.stdout).toMatch(/slack .*FAILED after 2 attempts: Slack webhook request failed/);
    expect(await taps.drainSns()).toHaveLength(1);
  });

  test('silence add/list/remove keep silences in the state store, and --notify honours them', async () => {
    restoreEnv = useAwsEnv(moto.endpoint);
    const env = alertEnv();
    const add = await cli(['silence', 'add', '--code', 'LEAKED_BRANCH_ENI', '--cluster', 'beta', '--expires', '2h', '--comment', 'beta teardown', '--state-table', taps.table], env);
    expect(add.stderr).toBe('');
    expect(add.stdout).toMatch(/^Silence \w+ added: code=LEAKED_BRANCH_ENI cluster=beta until /);
    const list = await cli(['silence', 'list', '--state-table', taps.table], env);
    expect(list.stdout).toMatch(/active +until .* code=LEAKED_BRANCH_ENI cluster=beta {2}# beta teardown/);
    const r = await cli(['scan', '--notify', '--state-table', taps.table, '--format', 'json'], env);
    const sns = (r.json() as { notify: { channels: Array<{ channel: string; notifications: { new: number }; silenced: number }> } }).notify.channels.find((c) => c.channel === 'sns')!;
    expect(sns).toMatchObject({ notifications: { new: 3 }, silenced: 3 });
    expect((await taps.drainSns()).map((m) => m.attributes.cluster)).not.toContain('beta');
    expect((await cli(['silence', 'add', '--code', 'X', '--state-table', taps.table], env)).stderr).toMatch(/needs --expires/);
    expect((await cli(['silence', 'add', '--expires', '1h', '--state-table', taps.table], env)).stderr).toMatch(/at least one of code, cluster, resource or tag/);
    const id = /^Silence (\w+)/.exec(add.stdout)![1]!;
    expect((await cli(['silence', 'remove', '--id', id, '--state-table', taps.table], env)).stdout).toBe('Removed 1 silence.\n');
    expect((await cli(['silence', 'list', '--state-table', taps.table], env)).stdout).toBe('No silences.\n');
  });

  test('--alerts-config reads the alerts section from a JSON file; a bad one is a usage error', async () => {
    restoreEnv = useAwsEnv(moto.endpoint);
    await writeFile(join(dir, 'alerts.json'), JSON.stringify({ channels: { sns: { topicArn: taps.topicArn, minSeverity: 'critical' } }, groupBy: ['code'] }));
    const r = await cli(['scan', '--notify', '--alerts-config', 'alerts.json', '--state', 'state.json', '--format', 'json'], {});
    expect(r.code).toBe(0);
    expect((await taps.drainSns()).map((m) => m.attributes.severity)).toEqual(['critical']);
    await writeFile(join(dir, 'bad.json'), JSON.stringify({ channels: { slack: {} } }));
    const bad = await cli(['scan', '--notify', '--alerts-config', 'bad.json'], {});
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/channels.slack: slack needs exactly one of webhookParameter or webhookSecretArn/);
    expect((await cli(['scan', '--notify', '--snapshot', dir], {})).stderr).toMatch(/--notify cannot be used with --snapshot/);
  });
});
