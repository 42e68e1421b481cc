import { z } from 'zod';
import { SEVERITIES } from '../model/severity.js';

const severity = z.enum(SEVERITIES);

/**
 * A silence mutes every finding it matches until it expires. Matchers are ANDed; at least one is
 * required so a silence can never mute everything by accident. Silences live as data: in the
 * state store (partition `silences`, managed with `vpc-cni-auditor silence`) and/or inline here.
 */
export const SilenceSchema = z.strictObject({
  id: z.string().min(1).max(64).regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, dot, dash, underscore'),
  code: z.string().min(1).optional(),
  cluster: z.string().min(1).optional(),
  /** A resource id, e.g. eni-0123… */
  resource: z.string().min(1).optional(),
  /** `key=value` (exact) or `key` (present with any value), matched against the resource's tags. */
  tag: z.string().min(1).optional(),
  region: z.string().min(1).optional(),
  expiresAt: z.iso.datetime({ offset: true }),
  comment: z.string().max(500).optional(),
  createdAt: z.iso.datetime({ offset: true }).optional(),
  createdBy: z.string().max(200).optional(),
}).refine((s) => s.code !== undefined || s.cluster !== undefined || s.resource !== undefined || s.tag !== undefined, {
  message: 'a silence needs at least one of code, cluster, resource or tag',
});
export type Silence = z.infer<typeof SilenceSchema>;

export const GROUP_KEYS = ['cluster', 'code', 'severity'] as const;
export type GroupKey = (typeof GROUP_KEYS)[number];

const channelBase = (minSeverity: (typeof SEVERITIES)[number]) => ({ minSeverity: severity.default(minSeverity) });

/** Exactly one source for the Slack webhook URL; the URL itself is never configuration. */
export const SlackChannelSchema = z.strictObject({
  ...channelBase('warning'),
  /** SSM parameter name (SecureString) holding the webhook URL. */
  webhookParameter: z.string().min(1).optional(),
  /** Secrets Manager secret (ARN or name) holding the URL, plain or as JSON `{ "url": "…" }`. */
  webhookSecretArn: z.string().min(1).optional(),
}).refine((s) => (s.webhookParameter === undefined) !== (s.webhookSecretArn === undefined), {
  message: 'slack needs exactly one of webhookParameter or webhookSecretArn',
});

export const AlertsConfigSchema = z.strictObject({
  /** Re-send a still-firing finding after this long (Alertmanager's repeat_interval). */
  repeatIntervalSeconds: z.number().int().min(60).default(4 * 60 * 60),
  /** How Slack sections and SNS messages group findings. */
  groupBy: z.array(z.enum(GROUP_KEYS)).max(GROUP_KEYS.length).default(['cluster', 'code']),
  channels: z.strictObject({
    /** Structured log lines: always on. */
    log: z.strictObject(channelBase('info')).prefault({}),
    sns: z.strictObject({ ...channelBase('warning'), topicArn: z.string().regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$/, 'an SNS topic ARN') }).optional(),
    slack: SlackChannelSchema.optional(),
    eventbridge: z.strictObject({ ...channelBase('info'), eventBusName: z.string().min(1).default('default') }).optional(),
  }).prefault({}),
  /** Per channel: attempts, exponential backoff with jitter, and a timeout per attempt. */
  delivery: z.strictObject({
    attempts: z.number().int().min(1).max(10).default(3),
    baseDelayMs: z.number().int().min(0).default(500),
    maxDelayMs: z.number().int().min(0).default(8_000),
    timeoutMs: z.number().int().min(100).default(10_000),
  }).prefault({}),
  /** How long a resolved secret (the Slack URL) is cached in memory between invocations. */
  secretsMaxAgeSeconds: z.number().int().min(0).default(300),
  silences: z.array(SilenceSchema).default([]),
});

export type AlertsConfig = z.infer<typeof AlertsConfigSchema>;
export type ChannelName = keyof AlertsConfig['channels'];
