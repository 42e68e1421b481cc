import { describe, expect, test } from '@jest/globals';
import { batchEntries, buildEntry, entrySize, MAX_REQUEST_BYTES } from '../../src/act/alert/channels/eventbridge.js';
import { buildSnsMessages, SNS_BODY_BUDGET } from '../../src/act/alert/channels/sns.js';
import { backoffMs, deliver } from '../../src/act/alert/dispatch.js';
import { alertPartition } from '../../src/act/alert/lifecycle.js';
import { DeliveryError, type AlertContext, type Channel, type Notification, type SendResult } from '../../src/act/alert/types.js';
import { AlertsConfigSchema } from '../../src/config/alerts-config.js';
import type { Finding } from '../../src/model/finding.js';
import { runNotify } from '../../src/run/notify.js';
import type { ScanReport } from '../../src/run/report.js';
import { summarize } from '../../src/run/report.js';
import { MemoryStateStore } from '../../src/state/store.js';

const ctx: AlertContext = { account: '123456789012', region: 'us-east-1', sentAt: '2026-03-01T12:00:00.000Z', scope: { clusters: null }, summary: { critical: 0, warning: 0, info: 0, total: 0 } };
const note = (i: number, over: Partial<Notification> = {}): Notification => ({
  kind: 'new', fingerprint: `fp-${i}`, code: 'LEAKED_BRANCH_ENI', severity: 'warning', cluster: 'alpha', region: 'us-east-1',
  resource: { type: 'network-interface', id: `eni-${i}` }, reason: `reason ${i}`, firstNotifiedAt: ctx.sentAt, ...over,
});
const fast = { attempts: 3, baseDelayMs: 0, maxDelayMs: 0, timeoutMs: 1000 };

/** A scripted channel: each call takes the next behaviour. */
function fake(name: Channel['name'], script: Array<(ns: readonly Notification[], signal: AbortSignal) => Promise<SendResult>>): Channel & { calls: number } {
  const ch = {
    name, minSeverity: 'info' as const, sendsRepeats: true, describe: name, calls: 0,
    async send(ns: readonly Notification[], _c: AlertContext, signal: AbortSignal) {
      const step = script[Math.min(ch.calls, script.length - 1)]!;
      ch.calls++;
      return step(ns, signal);
    },
  };
  return ch;
}
const ok = async (): Promise<SendResult> => ({ undelivered: [] });
const boom = (retryable = true) => async (): Promise<SendResult> => { throw new DeliveryError('HTTP 500', retryable); };
const hang = (_ns: readonly Notification[], signal: AbortSignal) => new Promise<SendResult>((_r, reject) => signal.addEventListener('abort', () => reject(signal.reason)));

describe('delivery with retries', () => {
  test('only what failed is retried, and the outcome says exactly what was delivered', async () => {
    const ns = [note(1), note(2), note(3)];
    const ch = fake('sns', [async (b) => ({ undelivered: b.filter((n) => n.fingerprint !== 'fp-1'), error: new DeliveryError('throttled', true) }), async (b) => { expect(b.map((n) => n.fingerprint)).toEqual(['fp-2', 'fp-3']); return { undelivered: [] }; }]);
    expect(await deliver(ch, ns, ctx, fast)).toEqual({ delivered: ns, undelivered: [], attempts: 2 });
  });

  test('a non-retryable error stops at once; a retryable one uses every attempt', async () => {
    expect(await deliver(fake('sns', [boom(false)]), [note(1)], ctx, fast)).toMatchObject({ attempts: 1, undelivered: [note(1)], error: 'HTTP 500' });
    expect(await deliver(fake('sns', [boom()]), [note(1)], ctx, fast)).toMatchObject({ attempts: 3, delivered: [] });
  });

  test('a channel that hangs is abandoned after the attempt timeout', async () => {
    const t = Date.now();
    const r = await deliver(fake('slack', [hang]), [note(1)], ctx, { ...fast, attempts: 2, timeoutMs: 200 });
    expect(r).toMatchObject({ attempts: 2, error: 'timed out after 200 ms' });
    expect(Date.now() - t).toBeLessThan(2000);
  });

  test('a deadline (the Lambda running out of time) stops retries and shortens the attempt timeout', async () => {
    let clock = 0;
    const sleep = async (ms: number) => { clock += ms; };
    const r = await deliver(fake('sns', [boom()]), [note(1)], ctx, { attempts: 5, baseDelayMs: 1000, maxDelayMs: 1000, timeoutMs: 1000 }, { sleep, random: () => 0.999, now: () => clock, deadline: 2500 });
    expect(r).toMatchObject({ attempts: 3, error: 'out of time after 3 attempts: HTTP 500' }); // at 0, 999 and 1998 ms
    const t = Date.now();
    const hungOut = await deliver(fake('slack', [hang]), [note(1)], ctx, { ...fast, timeoutMs: 10_000 }, { deadline: Date.now() + 300 });
    expect(Date.now() - t).toBeLessThan(2000);
    expect(hungOut.error).toMatch(/^(timed out after \d+ ms|out of time)/);
  });

  test('backoff doubles up to the cap, with full jitter, and honours Retry-After', () => {
    const p = { attempts: 5, baseDelayMs: 500, maxDelayMs: 3000, timeoutMs: 1 };
    expect([1, 2, 3, 4].map((a) => backoffMs(a, p, () => 0.999))).toEqual([499, 999, 1998, 2997]);
    expect(backoffMs(1, p, () => 0)).toBe(0);
    expect(backoffMs(1, p, () => 0.5, 5000)).toBe(5000);
  });
});

describe('runNotify: channels are independent', () => {
  const findings: Finding[] = [1, 2].map((i) => ({ code: 'LEAKED_BRANCH_ENI', severity: 'warning', resource: { type: 'network-interface', id: `eni-${i}` }, cluster: 'alpha', region: 'us-east-1', reason: 'r', details: {} }));
  const report: ScanReport = { schemaVersion: 1, region: 'us-east-1', collectedAt: ctx.sentAt, source: 'aws', scope: { clusters: null }, summary: summarize(findings), gaps: [], findings };
  const config = AlertsConfigSchema.parse({ delivery: { attempts: 2, baseDelayMs: 0, timeoutMs: 300 } });

  test('a failing and a hung channel neither block the others nor advance their own state', async () => {
    const store = new MemoryStateStore();
    const good = fake('sns', [ok]);
    const failing = fake('slack', [boom()]);
    const hung = fake('eventbridge', [hang]);
    const t = Date.now();
    const out = await runNotify({ report, config, channels: [failing, hung, good], store, account: '123456789012', now: new Date(ctx.sentAt) });
    expect(Date.now() - t).toBeLessThan(3000);
    expect(out.failedChannels).toEqual(['slack', 'eventbridge']);
    expect(out.channels.map((c) => [c.channel, c.delivered, c.failed, c.stateAdvanced])).toEqual([['slack', 0, 2, false], ['eventbridge', 0, 2, false], ['sns', 2, 0, true]]);
    expect(await store.list(alertPartition('us-east-1', 'slack'))).toEqual([]);
    expect(await store.list(alertPartition('us-east-1', 'sns'))).toHaveLength(2);
    // Next run: Slack recovers and gets everything as new; SNS stays quiet.
    const again = await runNotify({ report, config, channels: [fake('slack', [ok]), good], store, account: '123456789012', now: new Date(Date.parse(ctx.sentAt) + 900_000) });
    expect(again.channels.map((c) => [c.channel, c.notifications.new, c.delivered])).toEqual([['slack', 2, 2], ['sns', 0, 0]]);
  });

  test('a partly failed channel advances the state of what it delivered only', async () => {
    const store = new MemoryStateStore();
    const half = fake('sns', [async (b) => ({ undelivered: b.filter((n) => n.resource.id === 'eni-2'), error: new DeliveryError('KMS', false) })]);
    const out = await runNotify({ report, config, channels: [half], store, account: 'unknown', now: new Date(ctx.sentAt) });
    expect(out.channels[0]).toMatchObject({ delivered: 1, failed: 1, stateAdvanced: true, error: 'KMS' });
    expect((await store.list(alertPartition('us-east-1', 'sns'))).map((i) => i.id)).toEqual(['LEAKED_BRANCH_ENI|us-east-1|alpha|network-interface|eni-1']);
  });

  test('a snapshot report is refused: it is a moment in the past', async () => {
    await expect(runNotify({ report: { ...report, source: 'snapshot' }, config, channels: [], store: new MemoryStateStore(), account: 'x' })).rejects.toThrow(/live sweep/);
  });
});

describe('SNS messages and EventBridge batches stay within the API limits', () => {
  test('one SNS message per cluster, code, severity and event, with exact attributes', () => {
    const ms = buildSnsMessages([note(1), note(2), note(3, { severity: 'critical' }), note(4, { cluster: null }), note(5, { kind: 'resolved', resolvedBecause: 'gone' })], ctx);
    expect(ms.map((m) => [m.attributes.cluster!.StringValue, m.attributes.severity!.StringValue, m.attributes.event!.StringValue, m.notifications.length])).toEqual([
      ['alpha', 'critical', 'new', 1], ['alpha', 'warning', 'new', 2], ['none', 'warning', 'new', 1], ['alpha', 'warning', 'resolved', 1],
    ]);
    const body = JSON.parse(ms[1]!.body);
    expect(body).toMatchObject({ schemaVersion: 1, source: 'vpc-cni-auditor', event: 'new', code: 'LEAKED_BRANCH_ENI', cluster: 'alpha', severity: 'warning', count: 2, part: 1, parts: 1 });
    expect(body.findings[0]).toMatchObject({ fingerprint: 'fp-1', title: expect.stringMatching(/branch ENI/), consoleUrl: expect.stringContaining('eni-1') });
    expect(ms[1]!.subject).toBe('[warning] 2 new LEAKED_BRANCH_ENI in alpha (us-east-1)');
  });

  test('a large group is split into parts under the SNS size limit', () => {
    const big = Array.from({ length: 500 }, (_, i) => note(i, { details: { blob: 'x'.repeat(2000) } }));
    const ms = buildSnsMessages(big, ctx);
    expect(ms.length).toBeGreaterThan(1);
    for (const m of ms) expect(Buffer.byteLength(m.body)).toBeLessThanOrEqual(SNS_BODY_BUDGET);
    expect(ms.reduce((a, m) => a + m.notifications.length, 0)).toBe(500);
    expect(JSON.parse(ms.at(-1)!.body)).toMatchObject({ part: ms.length, parts: ms.length });
  });

  test('EventBridge: one entry per change, batches of at most 10 and 256 KB, oversized details dropped', () => {
    const items = Array.from({ length: 25 }, (_, i) => note(i, { details: { blob: 'y'.repeat(i === 3 ? 300_000 : 40_000) } })).map((n) => ({ n, entry: buildEntry(n, ctx, 'audit') }));
    expect(items[0]!.entry).toMatchObject({ Source: 'vpc-cni-auditor', DetailType: 'LEAKED_BRANCH_ENI', EventBusName: 'audit', Resources: ['arn:aws:ec2:us-east-1:123456789012:network-interface/eni-0'] });
    expect(JSON.parse(items[3]!.entry.Detail!)).toMatchObject({ details: null, detailsTruncated: true });
    const batches = batchEntries(items);
    for (const b of batches) {
      expect(b.length).toBeLessThanOrEqual(10);
      expect(b.reduce((a, x) => a + entrySize(x.entry), 0)).toBeLessThanOrEqual(MAX_REQUEST_BYTES);
    }
    expect(batches.flat()).toHaveLength(25);
  });
});
