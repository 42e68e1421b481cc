/** Finding severities, lowest first. The order is what `--fail-on` and channel minimums compare. */
export const SEVERITIES = ['info', 'warning', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const severityRank = (s: Severity): number => SEVERITIES.indexOf(s);

export const atLeast = (s: Severity, min: Severity): boolean => severityRank(s) >= severityRank(min);

export function parseSeverity(value: string): Severity {
  const v = value.toLowerCase();
  if ((SEVERITIES as readonly string[]).includes(v)) return v as Severity;
  throw new RangeError(`unknown severity "${value}" (expected one of: ${SEVERITIES.join(', ')})`);
}
