import type { Severity } from '../../../model/severity.js';
import type { AuditLogger } from '../../../util/logger.js';
import type { AlertContext, Channel, Notification, SendResult } from '../types.js';

/** Structured logs, always on: one line per notification, the audit trail of what was sent. */
export function logChannel(logger: AuditLogger, minSeverity: Severity): Channel {
  return {
    name: 'log',
    minSeverity,
    sendsRepeats: true,
    describe: 'log',
    async send(notifications: readonly Notification[], ctx: AlertContext): Promise<SendResult> {
      for (const n of notifications) {
        const line = {
          event: n.kind, fingerprint: n.fingerprint, code: n.code, severity: n.severity, cluster: n.cluster, region: n.region,
          resource: n.resource.id, reason: n.reason, firstNotifiedAt: n.firstNotifiedAt,
          ...(n.previousSeverity ? { previousSeverity: n.previousSeverity } : {}),
          ...(n.resolvedBecause ? { resolvedBecause: n.resolvedBecause } : {}),
          ...(ctx.test ? { test: true } : {}),
        };
        const level = n.kind === 'resolved' || n.severity === 'info' ? 'info' : n.severity === 'critical' ? 'error' : 'warn';
        logger[level](`finding ${n.kind}`, line);
      }
      return { undelivered: [] };
    },
  };
}
