import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { slackChannel } from '../../src/act/alert/channels/slack.js';
import { buildSlackMessage, SLACK_MAX_BLOCKS, SLACK_MAX_SECTION_CHARS } from '../../src/act/alert/channels/slack-message.js';
import { deliver } from '../../src/act/alert/dispatch.js';
import type { SecretResolver } from '../../src/act/alert/secrets.js';
import type { AlertContext, Notification } from '../../src/act/alert/types.js';
import type { Severity } from '../../src/model/severity.js';
import { freePort } from '../harness/moto.js';
import { blockKitProblems, startSlackReceiver, type SlackReceiver } from '../fixtures/slack-receiver.js';

const SECRET_PATH = '/services/T0000/B0000/s3cr3tTOKENvalue';
let receiver: SlackReceiver;
const webhook = (): SecretResolver => ({ describe: 'test secret', get: async () => `${receiver.url}${SECRET_PATH}`, invalidate() {} });

beforeAll(async () => { receiver = await startSlackReceiver(); });
afterAll(async () => { await receiver.stop(); });
beforeEach(() => { receiver.received.length = 0; receiver.fail(200, 0); });

const ctx: AlertContext = {
  account: '123456789012', region: 'us-east-1', sentAt: '2026-03-01T12:00:00.000Z', scope: { clusters: null },
  summary: { critical: 120, warning: 300, info: 80, total: 500 },
  cleanup: { dryRun: false, planned: 40, deleted: Array.from({ length: 40 }, (_, i) => `eni-${String(i).padStart(17, '0')}`), skipped: 460, skippedByReason: { 'within-grace': 400, 'ignore-tag': 60 } },
};

const SEVERITIES: Severity[] = ['critical', 'warning', 'info'];
const KINDS: Notification['kind'][] = ['new', 'escalated', 'repeated', 'resolved'];
/** 500 notifications: one cluster with 300 leaks (one huge group), then 200 spread over 100 clusters. */
function many(): Notification[] {
  return Array.from({ length: 500 }, (_, i) => {
    const cluster = i < 300 ? 'big' : `c${(i % 100).toString().padStart(3, '0')}`;
    return {
      kind: KINDS[i % 4]!, fingerprint: `fp-${i}`, code: i % 7 === 0 ? 'LEAKED_CNI_ENI' : 'LEAKED_BRANCH_ENI', severity: SEVERITIES[i % 3]!,
      cluster, region: 'us-east-1', resource: { type: 'network-interface', id: `eni-${i.toString(16).padStart(17, '0')}` },
      reason: `Branch ENI is available and orphaned: instance i-0abc${i} is terminated <and> the trunk & node are gone; ${'x'.repeat(i % 200)}`,
      firstNotifiedAt: ctx.sentAt, ...(i % 4 === 1 ? { previousSeverity: 'info' as const } : {}), ...(i % 4 === 3 ? { resolvedBecause: 'gone' as const } : {}),
    };
  });
}

describe('Slack Block Kit message', () => {
  test('500 findings stay within Slack limits and the receiver accepts them', async () => {
    const ns = many();
    const r = await deliver(slackChannel({ webhook: webhook(), minSeverity: 'info', groupBy: ['cluster', 'code'] }), ns, ctx, { attempts: 1, baseDelayMs: 0, maxDelayMs: 0, timeoutMs: 5000 });
    expect(r).toMatchObject({ delivered: ns, undelivered: [], attempts: 1 });
    expect(receiver.received).toHaveLength(1);
    const got = receiver.received[0]!;
    expect(got.path).toBe(SECRET_PATH);
    expect(got.problems).toEqual([]);
    const blocks = got.body.blocks as Array<{ type: string; text?: { text: string } }>;
    expect(blocks.length).toBe(SLACK_MAX_BLOCKS);
    expect(blocks[0]!.type).toBe('header');
    expect(blocks[0]!.text!.text).toMatch(/^vpc-cni-auditor: \d+ critical, \d+ warning, \d+ info, 125 resolved$/);
    expect(got.body.text).toMatch(/^vpc-cni-auditor us-east-1 \(123456789012\): .*125 new · 125 escalated · 125 repeated · 125 resolved/);
    const sections = blocks.filter((b) => b.type === 'section').map((b) => b.text!.text);
    for (const s of sections) expect(s.length).toBeLessThanOrEqual(SLACK_MAX_SECTION_CHARS);
    // The big group is cut and says how many it left out; the report ends with what did not fit.
    const big = sections.find((s) => s.includes('cluster *big*'))!;
    expect(big).toMatch(/\n… and \d+ more$/);
    expect(sections.at(-1)).toMatch(/^… and \d+ more findings in \d+ more groups/);
    expect(sections.some((s) => s.startsWith('*Cleanup*: 40 planned · 40 deleted · 460 skipped (within-grace 400, ignore-tag 60)'))).toBe(true);
    // Console links and escaping: mrkdwn control characters never leak from reasons.
    expect(big).toContain('<https://us-east-1.console.aws.amazon.com/ec2/home?region=us-east-1#NetworkInterface:networkInterfaceId=eni-');
    expect(big).toContain('&lt;and&gt; the trunk &amp; node');
    const bytes = Buffer.byteLength(JSON.stringify(got.body));
    console.info(`slack payload for 500 findings: ${blocks.length} blocks, ${bytes} bytes, ${sections.length} sections`);
  });

  test('every notification is accounted for: shown, or counted in an "and N more"', () => {
    const ns = many();
    const m = buildSlackMessage(ns, ctx, ['cluster', 'code']);
    const sections = m.blocks.filter((b) => b.type === 'section').map((b) => (b as { text: { text: string } }).text.text);
    const listed = sections.reduce((a, s) => a + (s.match(/^• /gm) ?? []).length, 0);
    const more = sections.reduce((a, s) => a + [...s.matchAll(/^… and (\d+) more(?: findings)?/gm)].reduce((x, mm) => x + Number(mm[1]), 0), 0);
    expect(listed + more).toBe(500);
  });

  test('a small report: one section per cluster and code, no "more"', () => {
    const ns = many().slice(0, 3).map((n) => ({ ...n, cluster: 'alpha', code: 'LEAKED_BRANCH_ENI' }));
    const m = buildSlackMessage(ns, { ...ctx, cleanup: undefined } as AlertContext, ['cluster', 'code']);
    expect(blockKitProblems(m)).toEqual([]);
    expect(m.blocks.map((b) => b.type)).toEqual(['header', 'context', 'section']);
    expect(JSON.stringify(m)).not.toContain('more');
  });

  test('HTTP 500 is retried with backoff; 400 is not; errors never contain the webhook URL', async () => {
    const ch = slackChannel({ webhook: webhook(), minSeverity: 'info', groupBy: ['cluster', 'code'] });
    const ns = many().slice(0, 5);
    receiver.fail(500, 2);
    const waits: number[] = [];
    const ok = await deliver(ch, ns, ctx, { attempts: 3, baseDelayMs: 100, maxDelayMs: 1000, timeoutMs: 2000 }, { sleep: async (ms) => { waits.push(ms); }, random: () => 1 });
    expect(ok).toMatchObject({ attempts: 3, undelivered: [] });
    expect(waits).toEqual([100, 200]);

    receiver.fail(500);
    const bad = await deliver(ch, ns, ctx, { attempts: 2, baseDelayMs: 0, maxDelayMs: 0, timeoutMs: 2000 });
    expect(bad).toMatchObject({ attempts: 2, delivered: [], error: 'Slack answered HTTP 500 internal_error' });

    receiver.fail(400);
    const rejected = await deliver(ch, ns, ctx, { attempts: 3, baseDelayMs: 0, maxDelayMs: 0, timeoutMs: 2000 });
    expect(rejected.attempts).toBe(1);
    for (const r of [bad, rejected]) {
      expect(r.error).not.toContain('s3cr3t');
      expect(r.error).not.toContain(SECRET_PATH);
    }
  });

  test('a hung webhook times out per attempt; a refused connection is reported without the URL', async () => {
    const ch = slackChannel({ webhook: webhook(), minSeverity: 'info', groupBy: ['cluster', 'code'] });
    receiver.fail('hang');
    const started = Date.now();
    const hung = await deliver(ch, many().slice(0, 2), ctx, { attempts: 2, baseDelayMs: 0, maxDelayMs: 0, timeoutMs: 300 });
    expect(Date.now() - started).toBeLessThan(3000);
    expect(hung).toMatchObject({ attempts: 2, error: 'Slack webhook request failed: timed out' });

    const port = await freePort(); // nothing listens there
    const refused = slackChannel({ webhook: { describe: 'x', get: async () => `http://127.0.0.1:${port}${SECRET_PATH}`, invalidate() {} }, minSeverity: 'info', groupBy: [] });
    const r = await deliver(refused, many().slice(0, 1), ctx, { attempts: 1, baseDelayMs: 0, maxDelayMs: 0, timeoutMs: 2000 });
    expect(r.error).toMatch(/^Slack webhook request failed: ECONNREFUSED/);
    expect(r.error).not.toContain('s3cr3t');
  });

  test('a webhook secret that is not an https URL is refused without echoing it', async () => {
    const ch = slackChannel({ webhook: { describe: 'ssm parameter /slack', get: async () => 'http://hooks.example.com/services/s3cr3t', invalidate() {} }, minSeverity: 'info', groupBy: [] });
    const r = await deliver(ch, many().slice(0, 1), ctx, { attempts: 1, baseDelayMs: 0, maxDelayMs: 0, timeoutMs: 2000 });
    expect(r.error).toBe('could not read the Slack webhook from ssm parameter /slack: the webhook URL must use https (got http:)');
  });
});
