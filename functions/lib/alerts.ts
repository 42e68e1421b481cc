import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { buildChannels } from '../../src/act/alert/build-channels.js';
import { alertsConfigFromEnv } from '../../src/act/alert/env-config.js';
import type { Channel } from '../../src/act/alert/types.js';
import { accountId } from '../../src/aws/account.js';
import type { AlertsConfig } from '../../src/config/alerts-config.js';
import type { Inventory } from '../../src/model/inventory.js';
import { runMetrics, type MetricPoint } from '../../src/run/metrics.js';
import { runNotify, type NotifySummary } from '../../src/run/notify.js';
import type { CleanupReport } from '../../src/run/report.js';
import { errorMessage } from '../../src/util/errors.js';
import { auditLogger, logger, region, stateStore } from './runtime.js';

/** What the sweep returns: the cleanup report plus what notifications did (docs/output.md). */
export type SweepResult = CleanupReport & { notify: NotifySummary };

/** CloudWatch embedded metric format on stdout; Lambda turns it into metrics without API calls. */
export const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'VpcCniAuditor',
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'vpc-cni-auditor',
});

// Built once per container from the environment: warm invocations reuse clients and the secret cache.
let alerts: { config: AlertsConfig; channels: Channel[] } | undefined;
function alertSetup(env: NodeJS.ProcessEnv = process.env) {
  if (alerts) return alerts;
  const config = alertsConfigFromEnv(env);
  return (alerts = { config, channels: buildChannels(config, { region: region(env), logger: auditLogger }) });
}

/** For tests: rebuild channels after the environment changed. */
export function resetAlerts(): void {
  alerts = undefined;
}

export function publishMetrics(points: readonly MetricPoint[], m: Metrics = metrics): void {
  for (const p of points) {
    if (p.dimensions) {
      // One EMF document per dimension set: Findings by Code and Severity, notifications by Channel.
      const single = m.singleMetric();
      single.addDimensions(p.dimensions);
      single.addMetric(p.name, MetricUnit[p.unit], p.value);
    } else {
      m.addMetric(p.name, MetricUnit[p.unit], p.value);
    }
  }
  m.publishStoredMetrics();
}

/**
 * After the sweep's cleanup: notify, log, publish metrics. A misconfiguration or a failing
 * channel is reported (summary, log, metric) but never fails the sweep: cleanup already ran, and
 * the alert state was not advanced, so the next sweep sends again.
 */
export async function notifySweep(report: CleanupReport, inventory: Inventory | undefined, startedAt: number, deadline?: number): Promise<NotifySummary> {
  let summary: NotifySummary;
  try {
    const { config, channels } = alertSetup();
    summary = await runNotify({ report, ...(inventory ? { inventory } : {}), config, channels, store: stateStore(), account: await accountId(report.region), logger: auditLogger, ...(deadline !== undefined ? { dispatch: { deadline } } : {}) });
  } catch (err) {
    const error = `notifications not sent: ${errorMessage(err)}`;
    logger.error(error);
    summary = {
      channels: [{ channel: 'config', describe: 'alert setup', notifications: { new: 0, escalated: 0, repeated: 0, resolved: 0 }, delivered: 0, failed: 0, attempts: 0, silenced: 0, stateAdvanced: false, error }],
      failedChannels: ['config'],
    };
  }
  logger.info('notifications', { channels: summary.channels.map(({ describe, notifications, delivered, failed, silenced, error }) => ({ channel: describe, ...notifications, delivered, failed, silenced, ...(error ? { error } : {}) })) });
  publishMetrics(runMetrics(report, Date.now() - startedAt, summary));
  return summary;
}
