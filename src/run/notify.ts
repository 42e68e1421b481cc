import type { AlertsConfig } from '../config/alerts-config.js';
import type { Finding } from '../model/finding.js';
import type { Inventory } from '../model/inventory.js';
import { deliver, type DeliveryOutcome, type DispatchOptions } from '../act/alert/dispatch.js';
import { countByKind } from '../act/alert/group.js';
import { alertPartition, computeLifecycle, coverageOf } from '../act/alert/lifecycle.js';
import { sampleNotification } from '../act/alert/sample.js';
import { loadSilences } from '../act/alert/silences.js';
import type { AlertContext, Channel, CleanupSummary, NotificationKind } from '../act/alert/types.js';
import type { StateStore } from '../state/store.js';
import { errorMessage } from '../util/errors.js';
import { silentLogger, type AuditLogger } from '../util/logger.js';
import type { CleanupReport, ScanReport } from './report.js';

export interface NotifyRequest {
  report: ScanReport | CleanupReport;
  /** The sweep's inventory: gives tag silences the resources' tags. */
  inventory?: Inventory;
  config: AlertsConfig;
  channels: readonly Channel[];
  store: StateStore;
  account: string;
  now?: Date;
  logger?: AuditLogger;
  dispatch?: DispatchOptions;
}

/** Per channel, what this run sent (docs/output.md `notify`). */
export interface ChannelSummary {
  channel: string;
  describe: string;
  notifications: Record<NotificationKind, number>;
  delivered: number;
  failed: number;
  attempts: number;
  /** Findings muted by a silence. */
  silenced: number;
  /** False when nothing could be delivered: the next run sends it all again. */
  stateAdvanced: boolean;
  error?: string;
}

export interface NotifySummary {
  channels: ChannelSummary[];
  /** Channels that left something undelivered. */
  failedChannels: string[];
}

const isCleanup = (r: ScanReport | CleanupReport): r is CleanupReport => 'dryRun' in r;

function cleanupSummary(r: CleanupReport): CleanupSummary {
  const byReason: Record<string, number> = {};
  for (const s of r.skipped) {
    const word = s.reason.split(':')[0] ?? s.reason;
    byReason[word] = (byReason[word] ?? 0) + 1;
  }
  return { dryRun: r.dryRun, planned: r.planned.length, deleted: r.deleted, skipped: r.skipped.length, skippedByReason: byReason };
}

export function alertContext(report: ScanReport | CleanupReport, account: string, now: Date): AlertContext {
  return {
    account,
    region: report.region,
    sentAt: now.toISOString(),
    scope: report.scope,
    summary: report.summary,
    ...(isCleanup(report) ? { cleanup: cleanupSummary(report) } : {}),
  };
}

function tagLookup(inv: Inventory | undefined): ((f: Finding) => Readonly<Record<string, string>> | undefined) | undefined {
  if (!inv) return undefined;
  const tags = new Map(inv.networkInterfaces.map((e) => [e.id, e.tags]));
  return (f) => (f.resource.type === 'network-interface' ? tags.get(f.resource.id) : undefined);
}

/**
 * Notifies every channel of what changed since it last heard, in parallel: a slow or failing
 * channel never holds back the others. A channel's state advances only for what it delivered;
 * when it delivered nothing, its state is left exactly as it was. Never throws for a channel.
 */
export async function runNotify(req: NotifyRequest): Promise<NotifySummary> {
  if (req.report.source === 'snapshot') throw new Error('notifications need a live sweep: a snapshot is a moment in the past');
  const now = req.now ?? new Date();
  const log = req.logger ?? silentLogger;
  const ctx = alertContext(req.report, req.account, now);
  const silences = [...req.config.silences, ...(await loadSilences(req.store, log))];
  const deleted = new Set(isCleanup(req.report) && !req.report.dryRun ? req.report.deleted : []);
  const coverage = coverageOf(req.report.gaps, req.report.scope.clusters);
  const tagsOf = tagLookup(req.inventory);

  const channels = await Promise.all(req.channels.map(async (channel): Promise<ChannelSummary> => {
    const partition = alertPartition(req.report.region, channel.name);
    const summary: ChannelSummary = {
      channel: channel.name, describe: channel.describe, notifications: countByKind([]), delivered: 0, failed: 0, attempts: 0, silenced: 0, stateAdvanced: false,
    };
    try {
      const lc = computeLifecycle({
        previous: await req.store.list(partition),
        findings: req.report.findings,
        ...(tagsOf ? { tagsOf } : {}),
        silences,
        deleted,
        coverage,
        policy: { minSeverity: channel.minSeverity, sendsRepeats: channel.sendsRepeats, repeatIntervalSeconds: req.config.repeatIntervalSeconds },
        now,
      });
      const notifications = lc.transitions.map((t) => t.notification);
      summary.notifications = countByKind(notifications);
      summary.silenced = lc.silenced;
      const outcome: DeliveryOutcome = notifications.length
        ? await deliver(channel, notifications, ctx, req.config.delivery, req.dispatch)
        : { delivered: [], undelivered: [], attempts: 0 };
      summary.delivered = outcome.delivered.length;
      summary.failed = outcome.undelivered.length;
      summary.attempts = outcome.attempts;
      if (outcome.error) summary.error = outcome.error;
      if (outcome.delivered.length === 0 && outcome.undelivered.length > 0) {
        log.error('alert channel failed: state not advanced, everything is sent again next run', { channel: channel.describe, attempts: outcome.attempts, undelivered: outcome.undelivered.length, error: outcome.error });
        return summary;
      }
      const ok = new Set(outcome.delivered);
      const upserts = [...lc.quiet.upserts];
      const deletes = [...lc.quiet.deletes];
      for (const t of lc.transitions) {
        if (!ok.has(t.notification)) continue;
        if (t.next) upserts.push(t.next);
        else deletes.push(t.notification.fingerprint);
      }
      await req.store.putMany(partition, upserts);
      await req.store.deleteMany(partition, deletes);
      summary.stateAdvanced = true;
      if (outcome.undelivered.length) {
        log.error('alert channel partly failed: the undelivered notifications are sent again next run', { channel: channel.describe, attempts: outcome.attempts, delivered: outcome.delivered.length, undelivered: outcome.undelivered.length, error: outcome.error });
      }
    } catch (err) {
      // The state store failed for this channel: nothing was advanced, so nothing is lost.
      summary.error ??= `alert state: ${errorMessage(err)}`;
      summary.failed = Math.max(summary.failed, 1);
      log.error('alert channel failed', { channel: channel.describe, error: summary.error });
    }
    return summary;
  }));
  return { channels, failedChannels: channels.filter((c) => c.failed > 0 || c.error).map((c) => c.channel) };
}

/** `notify --test`: a sample to every channel, whatever its minimum severity; state is not touched. */
export async function runNotifyTest(channels: readonly Channel[], config: AlertsConfig, region: string, account: string, now = new Date(), dispatch?: DispatchOptions): Promise<NotifySummary> {
  const sample = sampleNotification(region, now);
  const ctx: AlertContext = { account, region, sentAt: now.toISOString(), scope: { clusters: null }, summary: { info: 0, warning: 0, critical: 0, total: 0 }, test: true };
  const out = await Promise.all(channels.map(async (channel): Promise<ChannelSummary> => {
    const r = await deliver(channel, [sample], ctx, config.delivery, dispatch);
    return {
      channel: channel.name, describe: channel.describe, notifications: countByKind([sample]), delivered: r.delivered.length, failed: r.undelivered.length,
      attempts: r.attempts, silenced: 0, stateAdvanced: false, ...(r.error ? { error: r.error } : {}),
    };
  }));
  return { channels: out, failedChannels: out.filter((c) => c.failed > 0).map((c) => c.channel) };
}
