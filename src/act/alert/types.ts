import type { ChannelName } from '../../config/alerts-config.js';
import type { ResourceRef } from '../../model/finding.js';
import type { Severity } from '../../model/severity.js';

/**
 * What happened to a finding, from one channel's point of view:
 * - new: first notification (or first since it resolved);
 * - escalated: its severity rose since the last notification;
 * - repeated: still firing, and the repeat interval has passed since the last notification;
 * - resolved: it is gone (or fell below the channel's minimum, or cleanup deleted it).
 */
export type NotificationKind = 'new' | 'escalated' | 'repeated' | 'resolved';

export type ResolvedBecause = 'gone' | 'deleted' | 'below-min-severity';

export interface Notification {
  kind: NotificationKind;
  fingerprint: string;
  code: string;
  /** Current severity; for `resolved`, the last severity notified. */
  severity: Severity;
  /** Set for `escalated`: the severity last notified. */
  previousSeverity?: Severity;
  cluster: string | null;
  region: string;
  resource: ResourceRef;
  /** The finding's reason; for `resolved`, the last reason seen. */
  reason: string;
  /** The finding's details (absent for `resolved`). */
  details?: Record<string, unknown>;
  /** When this channel first notified this finding (ISO). */
  firstNotifiedAt: string;
  resolvedBecause?: ResolvedBecause;
}

export interface CleanupSummary {
  dryRun: boolean;
  planned: number;
  deleted: string[];
  skipped: number;
  /** Skips by their stable reason word (within-grace, ignore-tag, …). */
  skippedByReason: Record<string, number>;
}

/** What every message carries besides its notifications. */
export interface AlertContext {
  account: string;
  region: string;
  /** When the sweep ran (ISO). */
  sentAt: string;
  scope: { clusters: string[] | null };
  /** Every finding of the sweep by severity, whether notified or not. */
  summary: Record<Severity, number> & { total: number };
  cleanup?: CleanupSummary;
  /** `notify --test`: a sample, not a real finding. */
  test?: boolean;
}

/** A failed delivery. `retryable` false stops retries early (bad request, unknown topic). */
export class DeliveryError extends Error {
  override name = 'DeliveryError';
  constructor(message: string, readonly retryable: boolean, readonly retryAfterMs?: number) {
    super(message);
  }
}

/** What a channel could not deliver; a thrown error means none of the batch was delivered. */
export interface SendResult {
  undelivered: Notification[];
  error?: DeliveryError;
}

/** A notification channel. Each keeps its own lifecycle state and is retried on its own. */
export interface Channel {
  readonly name: ChannelName;
  readonly minSeverity: Severity;
  /** EventBridge sends changes only: no `repeated`. */
  readonly sendsRepeats: boolean;
  /** A label safe to log (never a secret). */
  readonly describe: string;
  send(notifications: readonly Notification[], ctx: AlertContext, signal: AbortSignal): Promise<SendResult>;
}
