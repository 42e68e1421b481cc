const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** Parses `90s`, `15m`, `1h30m`, `2d` or a bare number of seconds into seconds. */
export function parseDuration(text: string): number {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const re = /(\d+)([smhd])/g;
  let total = 0;
  let consumed = 0;
  for (const m of trimmed.matchAll(re)) {
    total += Number(m[1]) * (UNIT_SECONDS[m[2]!] ?? 0);
    consumed += m[0].length;
  }
  if (consumed === 0 || consumed !== trimmed.length) {
    throw new RangeError(`invalid duration "${text}" (examples: 90s, 15m, 1h30m, 2d)`);
  }
  return total;
}

/** Formats seconds as a short human duration: `2h5m`, `45s`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '-';
  const s = Math.floor(seconds);
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const parts = [d && `${d}d`, h && `${h}h`, m && `${m}m`, !d && !h && sec && `${sec}s`].filter(Boolean);
  return parts.length ? parts.join('') : '0s';
}
