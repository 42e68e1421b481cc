import { codeCatalog } from '../../check/registry.js';
import { consoleUrl } from './console-links.js';
import type { AlertContext, Notification } from './types.js';

let titles: Map<string, string> | undefined;
/** The one-line meaning of a finding code (docs/findings.md), when the code is known. */
export function titleOf(code: string): string | null {
  titles ??= new Map([...codeCatalog()].map(([c, info]) => [c, info.title]));
  return titles.get(code) ?? null;
}

/**
 * One notification as machines receive it (SNS message `findings[]`, EventBridge `detail`).
 * Keys are only ever added (docs/alerts.md).
 */
export function notificationJson(n: Notification, ctx: Pick<AlertContext, 'account'>) {
  return {
    event: n.kind,
    fingerprint: n.fingerprint,
    code: n.code,
    title: titleOf(n.code),
    severity: n.severity,
    previousSeverity: n.previousSeverity ?? null,
    account: ctx.account,
    region: n.region,
    cluster: n.cluster,
    resource: n.resource,
    consoleUrl: consoleUrl(n.resource, n.region, n.cluster),
    reason: n.reason,
    firstNotifiedAt: n.firstNotifiedAt,
    resolvedBecause: n.resolvedBecause ?? null,
    details: n.details ?? null,
  };
}
export type NotificationJson = ReturnType<typeof notificationJson>;
