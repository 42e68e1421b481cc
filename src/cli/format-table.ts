import type { Finding } from '../model/finding.js';
import { formatDuration } from '../util/duration.js';
import type { CleanupReport, ScanReport } from '../run/report.js';

function table(headers: string[], rows: string[][], maxWidth = 80): string {
  const widths = headers.map((h, i) => Math.min(maxWidth, Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length))));
  const cut = (s: string, w: number) => (s.length > w ? `${s.slice(0, w - 1)}…` : s);
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? cut(c, widths[i]!) : cut(c, widths[i]!).padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}

const age = (f: Finding) => (typeof f.details.orphanedForSeconds === 'number' ? formatDuration(f.details.orphanedForSeconds) : '-');

function summaryLine(r: ScanReport): string {
  const s = r.summary;
  return `${s.total} finding${s.total === 1 ? '' : 's'}: ${s.critical} critical, ${s.warning} warning, ${s.info} info (region ${r.region}, ${r.source} as of ${r.collectedAt}${r.scope.clusters ? `, clusters ${r.scope.clusters.join(', ')}` : ''})`;
}

function gapsText(r: ScanReport): string {
  if (r.gaps.length === 0) return '';
  return `\nNot checked (lookups failed, so no proof depends on them):\n${r.gaps.map((g) => `  - ${g.source}: ${g.reason}`).join('\n')}\n`;
}

export function formatScan(r: ScanReport): string {
  const rows = r.findings.map((f) => [f.severity.toUpperCase(), f.code, f.resource.id, f.cluster ?? '-', age(f), f.reason]);
  const body = rows.length ? table(['SEVERITY', 'CODE', 'RESOURCE', 'CLUSTER', 'ORPHANED', 'REASON'], rows, 120) : 'No findings.';
  return `${body}\n\n${summaryLine(r)}\n${gapsText(r)}`;
}

export function formatCleanup(r: CleanupReport): string {
  const out: string[] = [];
  out.push(r.dryRun ? 'Cleanup plan (dry run: nothing is deleted; add --execute to delete)' : 'Cleanup (executed)');
  out.push('');
  const byId = new Map(r.findings.map((f) => [f.resource.id, f]));
  if (r.planned.length) {
    out.push(table(['PLANNED', 'CODE', 'CLUSTER', 'ORPHANED', 'PROOF'], r.planned.map((id) => {
      const f = byId.get(id);
      const proofs = Array.isArray(f?.details.proofs) ? (f.details.proofs as Array<{ proof: string }>).map((p) => p.proof).join(',') : '-';
      return [id, f?.code ?? '-', f?.cluster ?? '-', f ? age(f) : '-', proofs];
    })));
  } else out.push('Nothing to delete.');
  if (!r.dryRun) {
    out.push('');
    out.push(`Deleted ${r.deleted.length}${r.alreadyDeleted.length ? ` (${r.alreadyDeleted.length} already gone)` : ''}: ${r.deleted.join(', ') || '-'}`);
  }
  if (r.skipped.length) {
    out.push('');
    out.push(table(['SKIPPED', 'REASON'], r.skipped.map((s) => [s.id, s.reason]), 140));
  }
  out.push('');
  out.push(summaryLine(r));
  return `${out.join('\n')}\n${gapsText(r)}`;
}
