import type { GroupKey } from '../../config/alerts-config.js';
import { severityRank, type Severity } from '../../model/severity.js';
import type { Notification } from './types.js';

export interface NotificationGroup {
  /** Stable key, e.g. `cluster=alpha|code=LEAKED_BRANCH_ENI`. */
  key: string;
  /** The grouping values; keys not grouped by are absent. */
  cluster?: string | null;
  code?: string;
  severity?: Severity;
  notifications: Notification[];
  /** Highest severity among the group's notifications. */
  maxSeverity: Severity;
}

const KIND_ORDER = { escalated: 0, new: 1, repeated: 2, resolved: 3 } as const;

/** Most severe first; within a severity, news before repeats and resolutions; then by resource. */
export const compareNotifications = (a: Notification, b: Notification): number =>
  severityRank(b.severity) - severityRank(a.severity) || KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || a.code.localeCompare(b.code) || a.resource.id.localeCompare(b.resource.id);

/** Groups notifications (by cluster and code unless configured otherwise), most severe group first. */
export function groupNotifications(notifications: readonly Notification[], by: readonly GroupKey[]): NotificationGroup[] {
  const groups = new Map<string, NotificationGroup>();
  for (const n of [...notifications].sort(compareNotifications)) {
    const key = by.map((k) => `${k}=${n[k] ?? '-'}`).join('|') || 'all';
    let g = groups.get(key);
    if (!g) {
      g = { key, notifications: [], maxSeverity: n.severity };
      if (by.includes('cluster')) g.cluster = n.cluster;
      if (by.includes('code')) g.code = n.code;
      if (by.includes('severity')) g.severity = n.severity;
      groups.set(key, g);
    }
    g.notifications.push(n);
    if (severityRank(n.severity) > severityRank(g.maxSeverity)) g.maxSeverity = n.severity;
  }
  const fresh = (g: NotificationGroup) => g.notifications.some((n) => n.kind === 'new' || n.kind === 'escalated');
  return [...groups.values()].sort((a, b) =>
    severityRank(b.maxSeverity) - severityRank(a.maxSeverity) || Number(fresh(b)) - Number(fresh(a)) || b.notifications.length - a.notifications.length || a.key.localeCompare(b.key));
}

export const countByKind = (ns: readonly Notification[]): Record<Notification['kind'], number> => {
  const out = { new: 0, escalated: 0, repeated: 0, resolved: 0 };
  for (const n of ns) out[n.kind]++;
  return out;
};
