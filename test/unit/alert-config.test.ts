import { describe, expect, test } from '@jest/globals';
import { alertsConfigFromEnv } from '../../src/act/alert/env-config.js';
import { redact } from '../../src/act/alert/secrets.js';
import { findSilence, silenceItem } from '../../src/act/alert/silences.js';
import { SilenceSchema } from '../../src/config/alerts-config.js';
import { defaultConfig } from '../../src/config/audit-config.js';

describe('alert configuration', () => {
  test('defaults: only the log channel, a 4 h repeat, grouped by cluster and code', () => {
    expect(defaultConfig().alerts).toEqual({
      repeatIntervalSeconds: 14_400, groupBy: ['cluster', 'code'], channels: { log: { minSeverity: 'info' } },
      delivery: { attempts: 3, baseDelayMs: 500, maxDelayMs: 8000, timeoutMs: 10_000 }, secretsMaxAgeSeconds: 300, silences: [],
    });
    expect(alertsConfigFromEnv({})).toEqual(defaultConfig().alerts);
  });

  test('the Lambda environment turns channels on and tunes them', () => {
    const c = alertsConfigFromEnv({
      ALERT_SNS_TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:alerts', ALERT_SNS_MIN_SEVERITY: 'critical',
      SLACK_WEBHOOK_PARAMETER: '/slack/webhook', ALERT_EVENT_BUS: 'audit', ALERT_REPEAT_INTERVAL: '1h30m', ALERT_GROUP_BY: 'code, severity',
      ALERT_DELIVERY_ATTEMPTS: '5', ALERT_SECRETS_MAX_AGE: '10m',
    });
    expect(c.channels).toEqual({
      log: { minSeverity: 'info' },
      sns: { topicArn: 'arn:aws:sns:eu-west-1:123456789012:alerts', minSeverity: 'critical' },
      slack: { webhookParameter: '/slack/webhook', minSeverity: 'warning' },
      eventbridge: { eventBusName: 'audit', minSeverity: 'info' },
    });
    expect([c.repeatIntervalSeconds, c.groupBy, c.delivery.attempts, c.secretsMaxAgeSeconds]).toEqual([5400, ['code', 'severity'], 5, 600]);
    expect(alertsConfigFromEnv({ ALERT_EVENT_BUS_NAME: 'audit' }).channels.eventbridge).toEqual({ eventBusName: 'audit', minSeverity: 'info' });
  });

  test.each([
    [{ ALERT_SNS_TOPIC_ARN: 'my-topic' }, /channels.sns.topicArn: an SNS topic ARN/],
    [{ SLACK_WEBHOOK_PARAMETER: '/a', SLACK_WEBHOOK_SECRET_ARN: 'b' }, /exactly one of webhookParameter or webhookSecretArn/],
    [{ ALERT_REPEAT_INTERVAL: 'often' }, /ALERT_REPEAT_INTERVAL: invalid duration/],
    [{ ALERT_REPEAT_INTERVAL: '10s' }, /repeatIntervalSeconds/],
    [{ ALERT_GROUP_BY: 'team' }, /groupBy/],
    [{ ALERT_DELIVERY_ATTEMPTS: 'three' }, /ALERT_DELIVERY_ATTEMPTS must be a whole number/],
  ])('%j is refused with a message naming the setting', (env, message) => {
    expect(() => alertsConfigFromEnv(env)).toThrow(message);
  });
});

describe('silences', () => {
  const now = new Date('2026-03-01T00:00:00Z');
  const target = { code: 'LEAKED_BRANCH_ENI', cluster: 'alpha', region: 'us-east-1', resource: { id: 'eni-1' }, tags: { team: 'payments', keep: '' } };
  const s = (over: Record<string, string>) => SilenceSchema.parse({ id: 'x', expiresAt: '2026-03-02T00:00:00Z', ...over });

  test('matchers are ANDed; expired silences never match', () => {
    expect(findSilence([s({ code: 'LEAKED_BRANCH_ENI', cluster: 'alpha' })], target, now)).toBeDefined();
    expect(findSilence([s({ code: 'LEAKED_BRANCH_ENI', cluster: 'beta' })], target, now)).toBeUndefined();
    expect(findSilence([s({ tag: 'team=payments' })], target, now)).toBeDefined();
    expect(findSilence([s({ tag: 'keep' })], target, now)).toBeDefined();
    expect(findSilence([s({ tag: 'team=search' })], target, now)).toBeUndefined();
    expect(findSilence([s({ resource: 'eni-1', region: 'eu-west-1' })], target, now)).toBeUndefined();
    expect(findSilence([s({ resource: 'eni-1', expiresAt: '2026-02-28T23:59:59Z' })], target, now)).toBeUndefined();
    expect(findSilence([s({ tag: 'team=payments' })], { ...target, tags: undefined }, now)).toBeUndefined();
  });

  test('stored silences expire from DynamoDB a day after they stop applying', () => {
    expect(silenceItem(s({ code: 'X' }))).toEqual({ id: 'x', data: { code: 'X', expiresAt: '2026-03-02T00:00:00Z' }, expiresAt: Date.parse('2026-03-03T00:00:00Z') / 1000 });
  });
});

describe('secret redaction', () => {
  test('the webhook URL, and its path alone, become [redacted]', () => {
    const url = 'https://hooks.slack.com/services/T000/B000/abcdefSECRET';
    expect(redact(`failed to POST ${url}: 404 at /services/T000/B000/abcdefSECRET`, [url])).toBe('failed to POST [redacted]: 404 at [redacted]');
    expect(redact('getaddrinfo ENOTFOUND hooks.slack.com', [url])).toBe('getaddrinfo ENOTFOUND hooks.slack.com');
  });
});
