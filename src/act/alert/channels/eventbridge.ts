import { PutEventsCommand, type EventBridgeClient, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import type { Severity } from '../../../model/severity.js';
import { errorCode } from '../../../util/errors.js';
import { resourceArn } from '../console-links.js';
import { notificationJson } from '../payload.js';
import { DeliveryError, type AlertContext, type Channel, type Notification, type SendResult } from '../types.js';

export const EVENT_SOURCE = 'vpc-cni-auditor';
/** PutEvents: at most 10 entries, and their sizes together under 256 KB. */
export const MAX_ENTRIES = 10;
export const MAX_REQUEST_BYTES = 256_000;
const NOT_RETRYABLE = /^(ResourceNotFound|AccessDenied|InvalidArgument|MalformedDetail|ValidationException|NotAuthorized|UnrecognizedClient)/;

/** EventBridge's own size rule: Time counts 14 bytes, then Source, DetailType, Detail and each Resource in UTF-8. */
export const entrySize = (e: PutEventsRequestEntry): number =>
  (e.Time ? 14 : 0) + Buffer.byteLength(e.Source ?? '') + Buffer.byteLength(e.DetailType ?? '') + Buffer.byteLength(e.Detail ?? '')
  + (e.Resources ?? []).reduce((s, r) => s + Buffer.byteLength(r), 0);

/** Pure: one event per finding change; `detail-type` is the finding code. */
export function buildEntry(n: Notification, ctx: AlertContext, bus: string): PutEventsRequestEntry {
  const arn = resourceArn(n.resource, n.region, ctx.account);
  let detail = JSON.stringify({ schemaVersion: 1, ...notificationJson(n, ctx), sentAt: ctx.sentAt, ...(ctx.test ? { test: true } : {}) });
  const entry: PutEventsRequestEntry = { Source: EVENT_SOURCE, DetailType: n.code.slice(0, 128), Detail: detail, EventBusName: bus, Time: new Date(ctx.sentAt), ...(arn ? { Resources: [arn] } : {}) };
  if (entrySize(entry) > MAX_REQUEST_BYTES) {
    detail = JSON.stringify({ schemaVersion: 1, ...notificationJson({ ...n, details: {} }, ctx), details: null, detailsTruncated: true, sentAt: ctx.sentAt });
    entry.Detail = detail;
  }
  return entry;
}

/** Pure: batches within PutEvents limits, keeping the notification each entry carries. */
export function batchEntries<T extends { entry: PutEventsRequestEntry }>(items: readonly T[]): T[][] {
  const batches: T[][] = [];
  let cur: T[] = [];
  let size = 0;
  for (const it of items) {
    const s = entrySize(it.entry);
    if (cur.length === MAX_ENTRIES || (cur.length > 0 && size + s > MAX_REQUEST_BYTES)) {
      batches.push(cur);
      cur = [];
      size = 0;
    }
    cur.push(it);
    size += s;
  }
  if (cur.length) batches.push(cur);
  return batches;
}

export function eventBridgeChannel(client: EventBridgeClient, eventBusName: string, minSeverity: Severity): Channel {
  return {
    name: 'eventbridge',
    minSeverity,
    // Events describe changes; automation that wants the current state reads the report.
    sendsRepeats: false,
    describe: `eventbridge ${eventBusName}`,
    async send(notifications: readonly Notification[], ctx: AlertContext, signal: AbortSignal): Promise<SendResult> {
      const items = notifications.map((n) => ({ n, entry: buildEntry(n, ctx, eventBusName) }));
      const undelivered: Notification[] = [];
      let error: DeliveryError | undefined;
      for (const batch of batchEntries(items)) {
        if (signal.aborted) {
          undelivered.push(...batch.map((b) => b.n));
          error ??= new DeliveryError('timed out before sending every event', true);
          continue;
        }
        try {
          const out = await client.send(new PutEventsCommand({ Entries: batch.map((b) => b.entry) }), { abortSignal: signal });
          // Entries answer in request order; a failed one has an ErrorCode and is retried alone.
          (out.Entries ?? []).forEach((r, i) => {
            if (!r.ErrorCode || !batch[i]) return;
            undelivered.push(batch[i].n);
            error = new DeliveryError(`PutEvents entry failed: ${r.ErrorCode}: ${r.ErrorMessage ?? ''}`.trim(), !NOT_RETRYABLE.test(r.ErrorCode));
          });
          if ((out.Entries ?? []).length < batch.length) {
            undelivered.push(...batch.slice((out.Entries ?? []).length).map((b) => b.n));
            error = new DeliveryError('PutEvents answered fewer entries than sent', true);
          }
        } catch (err) {
          undelivered.push(...batch.map((b) => b.n));
          const code = errorCode(err);
          error = new DeliveryError(`PutEvents failed: ${code}: ${(err as Error).message}`, !NOT_RETRYABLE.test(code));
        }
      }
      return error ? { undelivered, error } : { undelivered };
    },
  };
}
