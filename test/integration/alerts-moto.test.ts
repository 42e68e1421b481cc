import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { EC2Client, DeleteNetworkInterfaceCommand } from '@aws-sdk/client-ec2';
import { EKSClient } from '@aws-sdk/client-eks';
import { buildChannels } from '../../src/act/alert/build-channels.js';
import { alertPartition } from '../../src/act/alert/lifecycle.js';
import { resetSecretCaches } from '../../src/act/alert/secrets.js';
import { saveSilence } from '../../src/act/alert/silences.js';
import { createAwsClients } from '../../src/aws/clients.js';
import { AlertsConfigSchema } from '../../src/config/alerts-config.js';
import { AuditConfigSchema } from '../../src/config/audit-config.js';
import { runNotify, type NotifySummary } from '../../src/run/notify.js';
import type { ScanReport } from '../../src/run/report.js';
import { runScan } from '../../src/run/scan.js';
import { DynamoDbStateStore } from '../../src/state/dynamodb-store.js';
import { silentLogger } from '../../src/util/logger.js';
import { startFaultProxy } from '../harness/fault-proxy.js';
import { clientConfig, startMoto, type MotoServer } from '../harness/moto.js';
import { useAwsEnv } from '../fixtures/aws-env.js';
import { createAlertTaps } from '../fixtures/alert-taps.js';
import { AwsSeeder, rc, seedEstate } from '../fixtures/seed-aws.js';
import { startSlackReceiver, type SlackReceiver } from '../fixtures/slack-receiver.js';

const SECRET_PATH = '/services/T0AUDIT/B0AUDIT/xoxSecretWebhookToken42';
let moto: MotoServer;
let receiver: SlackReceiver;
let restoreEnv: () => void;
let seeder: AwsSeeder;
let ec2: EC2Client;
let estate: Awaited<ReturnType<typeof seedEstate>>;
let taps: Awaited<ReturnType<typeof createAlertTaps>>;
let store: DynamoDbStateStore;

beforeAll(async () => {
  [moto, receiver] = await Promise.all([startMoto(), startSlackReceiver()]);
  restoreEnv = useAwsEnv(moto.endpoint);
  ec2 = new EC2Client(clientConfig(moto.endpoint));
  seeder = new AwsSeeder(ec2, new EKSClient(clientConfig(moto.endpoint)));
});
afterAll(async () => {
  restoreEnv();
  await Promise.all([moto.stop(), receiver.stop()]);
});
beforeEach(async () => {
  const t = Date.now();
  await moto.reset();
  resetSecretCaches();
  seeder.created.clear();
  receiver.received.length = 0;
  receiver.fail(500, 0);
  estate = await seedEstate(seeder);
  taps = await createAlertTaps(moto.endpoint, `${receiver.url}${SECRET_PATH}`);
  store = new DynamoDbStateStore(taps.ddb, taps.table);
  console.info(`seed estate and alert taps: ${Date.now() - t} ms`);
});

const T0 = new Date('2026-03-02T08:00:00Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);
const fast = { attempts: 2, baseDelayMs: 10, maxDelayMs: 50, timeoutMs: 1500 };

type Kinds = string[];
/** `kind:resource` from what each channel really received since the last read. */
async function received(): Promise<{ sns: Kinds; events: Kinds; slack: Kinds }> {
  const sns = (await taps.drainSns()).flatMap((m) => (JSON.parse(m.body) as { event: string; findings: Array<{ resource: { id: string } }> }).findings.map((f) => `${JSON.parse(m.body).event}:${f.resource.id}`));
  const events = (await taps.drainEvents()).map((m) => JSON.parse(m.body) as { detail: { event: string; resource: { id: string } } }).map((e) => `${e.detail.event}:${e.detail.resource.id}`);
  const label: Record<string, string> = { new: 'new', escalated: 'escalated', 'still firing': 'repeated', resolved: 'resolved' };
  const slack = receiver.received.splice(0).flatMap((r) => (r.body.blocks as Array<{ text?: { text: string } }>).flatMap((b) => (b.text?.text ?? '').split('\n')))
    .filter((l) => l.startsWith('• ')).map((l) => `${label[/ (new|escalated|still firing|resolved) /.exec(l)![1]!]}:${/\|(eni-[0-9a-f]+)>/.exec(l)![1]}`);
  return { sns: sns.sort(), events: events.sort(), slack: slack.sort() };
}
const k = (kind: string, ...ids: string[]) => ids.map((id) => `${kind}:${id}`);
const sorted = (...lists: string[][]) => lists.flat().sort();

function alertsConfig(over: Record<string, unknown> = {}) {
  return AlertsConfigSchema.parse({
    channels: {
      sns: { topicArn: taps.topicArn, minSeverity: 'warning' },
      slack: { webhookParameter: taps.parameter, minSeverity: 'warning' },
      eventbridge: { eventBusName: taps.bus, minSeverity: 'info' },
    },
    delivery: fast,
    ...over,
  });
}

/** One sweep at a chosen time: scan (with sightings), then notify, as the Lambda does. */
async function sweep(now: Date, config = alertsConfig(), opts: { clusters?: string[]; ec2?: EC2Client } = {}): Promise<NotifySummary & { report: ScanReport }> {
  const clients = createAwsClients({ region: 'us-east-1' });
  if (opts.ec2) clients.ec2 = opts.ec2;
  const scan = await runScan({ source: { kind: 'aws', region: 'us-east-1', clients }, clusters: opts.clusters ?? null, config: AuditConfigSchema.parse({}), store, now: () => now });
  const summary = await runNotify({ report: scan.report, inventory: scan.inventory, config, channels: buildChannels(config, { region: 'us-east-1', logger: silentLogger }), store, account: '123456789012', now });
  return { ...summary, report: scan.report };
}

describe('alerts against moto: SNS and EventBridge read back, Slack on a local receiver', () => {
  test('one sweep: SNS messages with filterable attributes, one EventBridge event per finding, one Slack message', async () => {
    const t = Date.now();
    const out = await sweep(T0);
    console.info(`first sweep with notifications: ${Date.now() - t} ms`);
    expect(out.failedChannels).toEqual([]);
    const snsMessages = await taps.drainSns();
    const critical = snsMessages.find((m) => m.attributes.severity === 'critical')!;
    expect(critical.attributes).toEqual({ severity: 'critical', code: 'LEAKED_BRANCH_ENI', cluster: 'beta', account: '123456789012', region: 'us-east-1', event: 'new' });
    const body = JSON.parse(critical.body);
    expect(body).toMatchObject({ schemaVersion: 1, source: 'vpc-cni-auditor', event: 'new', code: 'LEAKED_BRANCH_ENI', cluster: 'beta', severity: 'critical', count: 3 });
    expect(body.findings.map((f: { resource: { id: string } }) => f.resource.id).sort()).toEqual(estate.betaOrphans);
    expect(body.findings[0].consoleUrl).toMatch(/^https:\/\/us-east-1\.console\.aws\.amazon\.com\/ec2\/home\?region=us-east-1#NetworkInterface:networkInterfaceId=eni-/);
    // Warning and above only, grouped by cluster, code, severity and event.
    expect(snsMessages.map((m) => [m.attributes.cluster, m.attributes.code, m.attributes.severity]).sort()).toEqual([
      ['alpha', 'LEAKED_BRANCH_ENI', 'warning'], ['alpha', 'LEAKED_CNI_ENI', 'warning'], ['beta', 'LEAKED_BRANCH_ENI', 'critical'],
    ]);

    const events = (await taps.drainEvents()).map((m) => JSON.parse(m.body));
    expect(events).toHaveLength(8); // every finding, info included
    const e = events.find((x) => x.detail.resource.id === estate.branchIgnored);
    expect(e).toMatchObject({ source: 'vpc-cni-auditor', 'detail-type': 'LEAKED_BRANCH_ENI', region: 'us-east-1', resources: [`arn:aws:ec2:us-east-1:123456789012:network-interface/${estate.branchIgnored}`] });
    expect(e.detail).toMatchObject({ schemaVersion: 1, event: 'new', severity: 'info', cluster: 'alpha', fingerprint: `LEAKED_BRANCH_ENI|us-east-1|alpha|network-interface|${estate.branchIgnored}` });
    expect(new Set(events.map((x) => x['detail-type']))).toEqual(new Set(['LEAKED_BRANCH_ENI', 'LEAKED_CNI_ENI', 'ENI_LOOKALIKE']));

    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0]!.path).toBe(SECRET_PATH);
    expect(receiver.received[0]!.problems).toEqual([]);
    expect(receiver.received[0]!.body.text).toMatch(/^vpc-cni-auditor us-east-1 \(123456789012\): 3 critical, 3 warning \(6 new\)$/);
    expect(out.channels.map((c) => [c.channel, c.delivered])).toEqual([['log', 8], ['sns', 6], ['slack', 6], ['eventbridge', 8]]);
  });

  test('three sweeps over changing state: exactly the new, escalated, repeated and resolved notifications; a silenced finding produces none', async () => {
    // Silences as data: one in the state store (by resource), one inline in the config (by tag).
    await saveSilence(store, { id: 'cni-known', resource: estate.cniOrphan, expiresAt: at(7 * 24 * 60).toISOString(), comment: 'ticket OPS-1' });
    const config = alertsConfig({ silences: [{ id: 'handmade', tag: 'Name=hand-made', expiresAt: at(7 * 24 * 60).toISOString() }] });

    // Sweep 1: everything is new; the silenced CNI ENI and look-alike are not sent anywhere.
    const s1 = await sweep(T0, config);
    const r1 = await received();
    expect(r1.sns).toEqual(sorted(k('new', ...estate.betaOrphans, ...estate.branchOrphans)));
    expect(r1.slack).toEqual(r1.sns);
    expect(r1.events).toEqual(sorted(k('new', ...estate.betaOrphans, ...estate.branchOrphans, estate.branchIgnored)));
    expect(s1.channels.find((c) => c.channel === 'eventbridge')!.silenced).toBe(2);

    // An hour later: one beta ENI deleted by hand, a new one leaks, cluster alpha is deleted (its
    // orphans become critical, and its cool-down branch ENI becomes a leak).
    const [goneByHand, ...betaLeft] = estate.betaOrphans;
    await ec2.send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: goneByHand }));
    const newLeak = await seeder.eni(estate.vpcs.b.subnetId, estate.vpcs.b.sgId, 'aws-k8s-branch-eni', rc('beta'));
    await seeder.deleteCluster('alpha');
    await sweep(at(60), config);
    const r2 = await received();
    const change2 = sorted(k('resolved', goneByHand!), k('new', newLeak, estate.branchCoolDown), k('escalated', ...estate.branchOrphans));
    expect(r2.sns).toEqual(change2);
    expect(r2.slack).toEqual(change2);
    expect(r2.events).toEqual(change2);

    // 4.5 hours after the first: what was last notified at T0 repeats (not on EventBridge); what
    // changed at T0+1h does not yet. The cool-down ENI is deleted: resolved.
    await ec2.send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: estate.branchCoolDown }));
    await sweep(at(270), config);
    const r3 = await received();
    const change3 = sorted(k('repeated', ...betaLeft), k('resolved', estate.branchCoolDown));
    expect(r3.sns).toEqual(change3);
    expect(r3.slack).toEqual(change3);
    expect(r3.events).toEqual(k('resolved', estate.branchCoolDown));

    // The silenced findings never reached any channel.
    for (const r of [r1, r2, r3]) for (const list of [r.sns, r.slack, r.events]) expect(list.join()).not.toMatch(new RegExp(`${estate.cniOrphan}|${estate.lookalike}`));
    // And the lifecycle lives in DynamoDB, one partition per channel.
    expect((await store.list(alertPartition('us-east-1', 'sns'))).map((i) => i.id).sort()).toEqual(
      [...betaLeft, newLeak, ...estate.branchOrphans].map((id) => `LEAKED_BRANCH_ENI|us-east-1|${id === newLeak || betaLeft.includes(id) ? 'beta' : 'alpha'}|network-interface|${id}`).sort(),
    );
  });

  test('Slack answering 500, then timing out, still lets SNS and EventBridge deliver; Slack state is not advanced until it recovers', async () => {
    receiver.fail(500);
    const s1 = await sweep(T0);
    expect(s1.failedChannels).toEqual(['slack']);
    expect(s1.channels.find((c) => c.channel === 'slack')).toMatchObject({ delivered: 0, failed: 6, attempts: 2, stateAdvanced: false, error: 'Slack answered HTTP 500 internal_error' });
    const r1 = await received();
    expect(r1.sns).toHaveLength(6);
    expect(r1.events).toHaveLength(8);
    expect(await store.list(alertPartition('us-east-1', 'slack'))).toEqual([]);

    receiver.fail('hang');
    const started = Date.now();
    const s2 = await sweep(at(15));
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(s2.channels.find((c) => c.channel === 'slack')).toMatchObject({ delivered: 0, failed: 6, stateAdvanced: false, error: 'Slack webhook request failed: timed out' });
    const r2 = await received();
    expect([r2.sns, r2.events]).toEqual([[], []]);
    expect(await store.list(alertPartition('us-east-1', 'slack'))).toEqual([]);

    receiver.fail(500, 0);
    const s3 = await sweep(at(30));
    expect(s3.failedChannels).toEqual([]);
    const r3 = await received();
    expect(r3.slack).toEqual(sorted(k('new', ...estate.betaOrphans, ...estate.branchOrphans, estate.cniOrphan)));
    expect([r3.sns, r3.events]).toEqual([[], []]);
    for (const e of [s1, s2].flatMap((s) => s.channels.map((c) => c.error ?? ''))) expect(e).not.toContain('xoxSecret');
  });

  test('a sweep with collection gaps, or scoped to one cluster, resolves nothing it could not judge', async () => {
    await sweep(T0);
    await received();
    // DescribeInstances keeps failing: the CNI ENI's only proof (its instance is gone) cannot be
    // made, so its finding disappears. That is not a resolution.
    const proxy = await startFaultProxy(moto.endpoint);
    try {
      proxy.addFault({ action: 'DescribeInstances', kind: 'server-error', times: Infinity });
      const gappy = new EC2Client({ ...clientConfig(proxy.endpoint), maxAttempts: 1 });
      const s2 = await sweep(at(15), alertsConfig(), { ec2: gappy });
      expect(s2.report.gaps.map((g) => g.source)).toEqual(['ec2:DescribeInstances']);
      expect(s2.report.findings.map((f) => f.resource.id)).not.toContain(estate.cniOrphan);
      expect(s2.channels.map((c) => c.notifications.resolved)).toEqual([0, 0, 0, 0]);
      expect(await received()).toEqual({ sns: [], events: [], slack: [] });
    } finally {
      await proxy.stop();
    }
    // A sweep of beta only cannot see alpha: an alpha ENI deleted meanwhile is not resolved...
    await ec2.send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: estate.branchOrphans[0] }));
    await ec2.send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: estate.betaOrphans[0] }));
    await sweep(at(30), alertsConfig(), { clusters: ['beta'] });
    const scoped = await received();
    expect(scoped.sns).toEqual(k('resolved', estate.betaOrphans[0]!));
    expect(scoped.events).toEqual(k('resolved', estate.betaOrphans[0]!));
    // ...until a sweep that covers it.
    await sweep(at(45));
    expect((await received()).sns).toEqual(k('resolved', estate.branchOrphans[0]!));
  });
});
