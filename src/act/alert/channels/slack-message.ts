import type { GroupKey } from '../../../config/alerts-config.js';
import { SEVERITIES, type Severity } from '../../../model/severity.js';
import { consoleUrl } from '../console-links.js';
import { countByKind, groupNotifications, type NotificationGroup } from '../group.js';
import { titleOf } from '../payload.js';
import type { AlertContext, Notification } from '../types.js';

/** Slack's limits (Block Kit reference): 50 blocks a message, 3,000 characters a section, 150 a header. */
export const SLACK_MAX_BLOCKS = 50;
export const SLACK_MAX_SECTION_CHARS = 3000;
export const SLACK_MAX_HEADER_CHARS = 150;
/** Phones show the fallback `text`; keep it to a line. */
const MAX_TEXT_CHARS = 300;
const MAX_REASON_CHARS = 180;

export type SlackBlock =
  | { type: 'header'; text: { type: 'plain_text'; text: string; emoji: true } }
  | { type: 'section'; text: { type: 'mrkdwn'; text: string } }
  | { type: 'context'; elements: Array<{ type: 'mrkdwn'; text: string }> };

export interface SlackMessage {
  text: string;
  blocks: SlackBlock[];
}

/** Slack mrkdwn needs only these three escaped (api.slack.com "Formatting text"). */
export const escapeMrkdwn = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const cut = (s: string, n: number): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

const SEVERITY_EMOJI: Record<Severity, string> = { critical: ':red_circle:', warning: ':large_orange_circle:', info: ':large_blue_circle:' };
const KIND_LABEL: Record<Notification['kind'], string> = { new: ':new: new', escalated: ':arrow_up: escalated', repeated: ':repeat: still firing', resolved: ':white_check_mark: resolved' };
const RESOLVED_LABEL = { gone: 'no longer found', deleted: 'deleted by cleanup', 'below-min-severity': 'below this channel\'s minimum severity' } as const;

function severityCounts(ns: readonly Notification[]): string {
  const firing = ns.filter((n) => n.kind !== 'resolved');
  const parts = [...SEVERITIES].reverse().map((s) => [s, firing.filter((n) => n.severity === s).length] as const).filter(([, c]) => c > 0).map(([s, c]) => `${c} ${s}`);
  const resolved = ns.length - firing.length;
  if (resolved) parts.push(`${resolved} resolved`);
  return parts.join(', ') || 'nothing new';
}

function kindCounts(ns: readonly Notification[]): string {
  const k = countByKind(ns);
  return (['new', 'escalated', 'repeated', 'resolved'] as const).filter((x) => k[x] > 0).map((x) => `${k[x]} ${x}`).join(' · ');
}

function line(n: Notification): string {
  const url = consoleUrl(n.resource, n.region, n.cluster);
  const id = escapeMrkdwn(n.resource.id);
  const link = url ? `<${url}|${id}>` : `\`${id}\``;
  const sev = n.kind === 'escalated' && n.previousSeverity ? `${n.previousSeverity} → ${n.severity}` : n.severity;
  const tail = n.kind === 'resolved' ? RESOLVED_LABEL[n.resolvedBecause ?? 'gone'] : escapeMrkdwn(cut(n.reason, MAX_REASON_CHARS));
  return `• ${KIND_LABEL[n.kind]} ${link} _${sev}_ — ${tail}`;
}

/** One section: a title line, the code's meaning, then one line per finding, ending "… and N more" when full. */
function groupSection(g: NotificationGroup): string {
  const first = g.notifications[0]!;
  const code = g.code ?? (new Set(g.notifications.map((n) => n.code)).size === 1 ? first.code : undefined);
  const cluster = g.cluster !== undefined ? g.cluster : new Set(g.notifications.map((n) => n.cluster)).size === 1 ? first.cluster : undefined;
  const title = [
    `${g.notifications.every((n) => n.kind === 'resolved') ? ':white_check_mark:' : SEVERITY_EMOJI[g.maxSeverity]} *${escapeMrkdwn(code ?? 'Findings')}*`,
    cluster !== undefined ? (cluster ? `cluster *${escapeMrkdwn(cluster)}*` : 'no cluster') : undefined,
    kindCounts(g.notifications),
  ].filter(Boolean).join(' · ');
  const meaning = code ? titleOf(code) : null;
  let text = meaning ? `${title}\n_${escapeMrkdwn(meaning)}_` : title;
  const reserve = 40; // room for the closing "… and N more"
  let shown = 0;
  for (const n of g.notifications) {
    const l = `\n${line(n)}`;
    if (text.length + l.length > SLACK_MAX_SECTION_CHARS - reserve) break;
    text += l;
    shown++;
  }
  const rest = g.notifications.length - shown;
  if (rest > 0) text += `\n… and ${rest} more`;
  return text;
}

function cleanupSection(ctx: AlertContext): string | null {
  const c = ctx.cleanup;
  if (!c) return null;
  const reasons = Object.entries(c.skippedByReason).sort((a, b) => b[1] - a[1]).map(([r, n]) => `${r} ${n}`).join(', ');
  let text = `*Cleanup*${c.dryRun ? ' (dry run)' : ''}: ${c.planned} planned · ${c.deleted.length} deleted · ${c.skipped} skipped${reasons ? ` (${escapeMrkdwn(reasons)})` : ''}`;
  if (c.deleted.length) {
    let shown = 0;
    let ids = '';
    for (const id of c.deleted) {
      const add = `${shown ? ', ' : ''}\`${escapeMrkdwn(id)}\``;
      if (text.length + 10 + ids.length + add.length > SLACK_MAX_SECTION_CHARS - 40) break;
      ids += add;
      shown++;
    }
    text += `\nDeleted: ${ids}${c.deleted.length > shown ? ` … and ${c.deleted.length - shown} more` : ''}`;
  }
  return text;
}

/**
 * Pure: the Block Kit message for one sweep's notifications. Within Slack's limits whatever the
 * input: at most 50 blocks, 3,000 characters per section; what does not fit ends "and N more".
 */
export function buildSlackMessage(notifications: readonly Notification[], ctx: AlertContext, groupBy: readonly GroupKey[]): SlackMessage {
  const counts = severityCounts(notifications);
  const where = `${ctx.region}${ctx.account !== 'unknown' ? ` (${ctx.account})` : ''}`;
  const text = cut(ctx.test ? `vpc-cni-auditor test notification for ${where}` : `vpc-cni-auditor ${where}: ${counts} (${kindCounts(notifications)})`, MAX_TEXT_CHARS);
  const header = cut(ctx.test ? 'vpc-cni-auditor: test notification' : `vpc-cni-auditor: ${counts}`, SLACK_MAX_HEADER_CHARS);
  const s = ctx.summary;
  const context = [
    `Region *${escapeMrkdwn(ctx.region)}*`,
    `account ${escapeMrkdwn(ctx.account)}`,
    ctx.scope.clusters ? `clusters ${escapeMrkdwn(ctx.scope.clusters.join(', '))}` : 'all clusters',
    `all findings now: ${s.critical} critical, ${s.warning} warning, ${s.info} info`,
    `sweep ${escapeMrkdwn(ctx.sentAt)}`,
  ].join(' · ');
  const blocks: SlackBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: header, emoji: true } },
    { type: 'context', elements: [{ type: 'mrkdwn', text: cut(context, SLACK_MAX_SECTION_CHARS) }] },
  ];
  const cleanup = cleanupSection(ctx);
  const groups = groupNotifications(notifications, groupBy);
  // Room for every group section, less the cleanup section and one closing "and N more".
  const room = SLACK_MAX_BLOCKS - blocks.length - (cleanup ? 1 : 0) - 1;
  const shown = groups.length <= room + 1 ? groups.length : room;
  for (const g of groups.slice(0, shown)) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: groupSection(g) } });
  if (cleanup) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: cleanup } });
  const hidden = groups.slice(shown);
  if (hidden.length) {
    const n = hidden.reduce((a, g) => a + g.notifications.length, 0);
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: `… and ${plural(n, 'more finding')} in ${plural(hidden.length, 'more group')} (${severityCounts(hidden.flatMap((g) => g.notifications))}): see the logs or the JSON report.` } });
  }
  return { text, blocks };
}
