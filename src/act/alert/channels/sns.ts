import { createHash } from 'node:crypto';
import { PublishCommand, type MessageAttributeValue, type SNSClient } from '@aws-sdk/client-sns';
import type { Severity } from '../../../model/severity.js';
import { errorCode } from '../../../util/errors.js';
import { compareNotifications } from '../group.js';
import { notificationJson } from '../payload.js';
import { DeliveryError, type AlertContext, type Channel, type Notification, type SendResult } from '../types.js';

/** SNS takes 256 KiB per message, attributes included; leave room for them and the envelope. */
export const SNS_BODY_BUDGET = 240_000;
const NOT_RETRYABLE = /^(NotFound|InvalidParameter|InvalidParameterValue|AuthorizationError|AccessDenied|KMSDisabled|KMSInvalidState|KMSNotFound|InvalidSecurity)/;

export interface SnsMessage {
  subject: string;
  body: string;
  attributes: Record<string, MessageAttributeValue>;
  notifications: Notification[];
}

const str = (v: string): MessageAttributeValue => ({ DataType: 'String', StringValue: v });
/** SNS subjects: ASCII, no line breaks, at most 100 characters. */
const subjectOf = (s: string): string => s.replace(/[^\x20-\x7e]/g, '').slice(0, 100);

/**
 * Pure: one message per cluster, code, severity and event, so every message attribute is exact
 * and a subscription filter policy on severity, code, cluster or event selects precisely. A
 * group too large for one message is split into parts.
 */
export function buildSnsMessages(notifications: readonly Notification[], ctx: AlertContext): SnsMessage[] {
  const groups = new Map<string, Notification[]>();
  for (const n of [...notifications].sort(compareNotifications)) {
    const key = [n.cluster ?? '', n.code, n.severity, n.kind].join('\u0000');
    (groups.get(key) ?? groups.set(key, []).get(key)!).push(n);
  }
  const out: SnsMessage[] = [];
  for (const group of groups.values()) {
    const first = group[0]!;
    const envelope = {
      schemaVersion: 1,
      source: 'vpc-cni-auditor',
      event: first.kind,
      account: ctx.account,
      region: ctx.region,
      cluster: first.cluster,
      code: first.code,
      severity: first.severity,
      sentAt: ctx.sentAt,
      ...(ctx.test ? { test: true } : {}),
    };
    const parts: Array<{ items: unknown[]; ns: Notification[] }> = [];
    let cur = { items: [] as unknown[], ns: [] as Notification[] };
    let size = Buffer.byteLength(JSON.stringify({ ...envelope, part: 99, parts: 99, count: 99999, findings: [] }));
    for (const n of group) {
      let item: unknown = notificationJson(n, ctx);
      let bytes = Buffer.byteLength(JSON.stringify(item)) + 1;
      if (bytes > SNS_BODY_BUDGET / 2) {
        item = { ...(item as object), details: null, detailsTruncated: true };
        bytes = Buffer.byteLength(JSON.stringify(item)) + 1;
      }
      if (cur.items.length > 0 && size + bytes > SNS_BODY_BUDGET) {
        parts.push(cur);
        cur = { items: [], ns: [] };
        size = Buffer.byteLength(JSON.stringify({ ...envelope, part: 99, parts: 99, count: 99999, findings: [] }));
      }
      cur.items.push(item);
      cur.ns.push(n);
      size += bytes;
    }
    parts.push(cur);
    parts.forEach((p, i) => {
      const body = JSON.stringify({ ...envelope, count: p.items.length, part: i + 1, parts: parts.length, findings: p.items });
      const where = first.cluster ? ` in ${first.cluster}` : '';
      const prefix = ctx.test ? '[test] ' : `[${first.severity}] `;
      out.push({
        subject: subjectOf(`${prefix}${p.items.length} ${first.kind} ${first.code}${where} (${ctx.region})${parts.length > 1 ? ` ${i + 1}/${parts.length}` : ''}`),
        body,
        attributes: {
          severity: str(first.severity),
          code: str(first.code),
          cluster: str(first.cluster ?? 'none'),
          account: str(ctx.account),
          region: str(ctx.region),
          event: str(first.kind),
        },
        notifications: p.ns,
      });
    });
  }
  return out;
}

export function snsChannel(client: SNSClient, topicArn: string, minSeverity: Severity): Channel {
  const fifo = topicArn.endsWith('.fifo');
  return {
    name: 'sns',
    minSeverity,
    sendsRepeats: true,
    describe: `sns ${topicArn}`,
    async send(notifications: readonly Notification[], ctx: AlertContext, signal: AbortSignal): Promise<SendResult> {
      const undelivered: Notification[] = [];
      let error: DeliveryError | undefined;
      for (const m of buildSnsMessages(notifications, ctx)) {
        if (signal.aborted) {
          undelivered.push(...m.notifications);
          error ??= new DeliveryError('timed out before publishing every message', true);
          continue;
        }
        try {
          await client.send(new PublishCommand({
            TopicArn: topicArn,
            Subject: m.subject,
            Message: m.body,
            MessageAttributes: m.attributes,
            ...(fifo ? { MessageGroupId: 'vpc-cni-auditor', MessageDeduplicationId: createHash('sha256').update(m.body).digest('hex') } : {}),
          }), { abortSignal: signal });
        } catch (err) {
          undelivered.push(...m.notifications);
          const code = errorCode(err);
          error = new DeliveryError(`SNS Publish failed: ${code}: ${(err as Error).message}`, !NOT_RETRYABLE.test(code));
        }
      }
      return error ? { undelivered, error } : { undelivered };
    },
  };
}
