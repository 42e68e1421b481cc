import type { CleanupReport, ScanReport } from './report.js';
import type { NotifySummary } from './notify.js';

export interface MetricPoint {
  name: string;
  unit: 'Count' | 'Milliseconds';
  value: number;
  dimensions?: Record<string, string>;
}

const isCleanup = (r: ScanReport | CleanupReport): r is CleanupReport => 'dryRun' in r;
const FAILED_SKIP = /^(delete-failed|recheck-failed)/;

/**
 * Pure: the metrics of one run (docs/alerts.md "Metrics"). The Lambda publishes them in
 * CloudWatch embedded metric format; the CLI prints the same counts in its summary.
 */
export function runMetrics(report: ScanReport | CleanupReport, durationMs: number, notify?: NotifySummary): MetricPoint[] {
  const points: MetricPoint[] = [];
  const byCodeSeverity = new Map<string, number>();
  for (const f of report.findings) byCodeSeverity.set(`${f.code}\u0000${f.severity}`, (byCodeSeverity.get(`${f.code}\u0000${f.severity}`) ?? 0) + 1);
  for (const [k, value] of [...byCodeSeverity].sort()) {
    const [code, severity] = k.split('\u0000') as [string, string];
    points.push({ name: 'Findings', unit: 'Count', value, dimensions: { Code: code, Severity: severity } });
  }
  points.push({ name: 'FindingsTotal', unit: 'Count', value: report.findings.length });
  points.push({ name: 'EnisDeleted', unit: 'Count', value: isCleanup(report) ? report.deleted.length : 0 });
  points.push({ name: 'SweepDuration', unit: 'Milliseconds', value: Math.round(durationMs) });
  points.push({ name: 'ApiErrors', unit: 'Count', value: report.gaps.length, dimensions: { Source: 'collect' } });
  points.push({ name: 'ApiErrors', unit: 'Count', value: isCleanup(report) ? report.skipped.filter((s) => FAILED_SKIP.test(s.reason)).length : 0, dimensions: { Source: 'cleanup' } });
  if (notify) {
    points.push({ name: 'ApiErrors', unit: 'Count', value: notify.channels.filter((c) => c.error).length, dimensions: { Source: 'notify' } });
    for (const c of notify.channels) {
      points.push({ name: 'NotificationsSent', unit: 'Count', value: c.delivered, dimensions: { Channel: c.channel } });
      points.push({ name: 'NotificationFailures', unit: 'Count', value: c.failed, dimensions: { Channel: c.channel } });
    }
  }
  return points;
}
