/**
 * Kubernetes LabelSelector (metav1.LabelSelector), parsed and matched the way apimachinery's
 * LabelSelectorAsSelector does: matchLabels and matchExpressions are ANDed, `{}` matches
 * everything, operators are In, NotIn, Exists and DoesNotExist (case-sensitive). A selector that
 * apimachinery rejects (unknown operator, In without values, Exists with values, an invalid key
 * or value) is reported as a problem: the resource controller logs it and its policy never
 * matches. Pure, and never throws on odd input.
 */
export type SelectorOperator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';

export interface SelectorRequirement {
  key: string;
  operator: SelectorOperator;
  values: string[];
}

export interface LabelSelector {
  requirements: SelectorRequirement[];
}

export type ParsedSelector = { ok: true; selector: LabelSelector } | { ok: false; problem: string };

const OPERATORS: readonly string[] = ['In', 'NotIn', 'Exists', 'DoesNotExist'];
/** A label name or value part: at most 63 characters, alphanumerics at both ends. */
const NAME = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Qualified name: `[prefix/]name`, prefix a DNS subdomain of at most 253 characters. */
export function labelKeyProblem(key: string): string | null {
  const slash = key.indexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : null;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== null && (prefix.length === 0 || prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))) return `label key "${key}" has an invalid prefix`;
  if (name.length === 0 || name.length > 63 || !NAME.test(name)) return `label key "${key}" is not a valid label name`;
  return null;
}

export function labelValueProblem(value: string): string | null {
  if (value === '') return null;
  return value.length <= 63 && NAME.test(value) ? null : `label value "${value}" is not valid`;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Parses a selector as the API returned it. null and undefined are not selectors: callers decide what "absent" means. */
export function parseSelector(raw: unknown): ParsedSelector {
  if (!isRecord(raw)) return { ok: false, problem: 'selector is not an object' };
  const requirements: SelectorRequirement[] = [];
  const { matchLabels, matchExpressions } = raw;
  if (matchLabels !== undefined && matchLabels !== null) {
    if (!isRecord(matchLabels)) return { ok: false, problem: 'matchLabels is not a map' };
    for (const [key, value] of Object.entries(matchLabels)) {
      if (typeof value !== 'string') return { ok: false, problem: `matchLabels["${key}"] is not a string` };
      const problem = labelKeyProblem(key) ?? labelValueProblem(value);
      if (problem) return { ok: false, problem };
      requirements.push({ key, operator: 'In', values: [value] });
    }
  }
  if (matchExpressions !== undefined && matchExpressions !== null) {
    if (!Array.isArray(matchExpressions)) return { ok: false, problem: 'matchExpressions is not a list' };
    for (const [i, e] of matchExpressions.entries()) {
      if (!isRecord(e) || typeof e.key !== 'string' || typeof e.operator !== 'string') return { ok: false, problem: `matchExpressions[${i}] needs a key and an operator` };
      const { key, operator } = e;
      if (!OPERATORS.includes(operator)) return { ok: false, problem: `"${operator}" is not a valid label selector operator (matchExpressions[${i}])` };
      const values = e.values ?? [];
      if (!Array.isArray(values) || values.some((v) => typeof v !== 'string')) return { ok: false, problem: `matchExpressions[${i}].values is not a list of strings` };
      const keyProblem = labelKeyProblem(key);
      if (keyProblem) return { ok: false, problem: keyProblem };
      if ((operator === 'In' || operator === 'NotIn') && values.length === 0) return { ok: false, problem: `matchExpressions[${i}]: values must be non-empty for ${operator}` };
      if ((operator === 'Exists' || operator === 'DoesNotExist') && values.length > 0) return { ok: false, problem: `matchExpressions[${i}]: values must be empty for ${operator}` };
      for (const v of values as string[]) {
        const p = labelValueProblem(v);
        if (p) return { ok: false, problem: p };
      }
      requirements.push({ key, operator: operator as SelectorOperator, values: [...(values as string[])] });
    }
  }
  return { ok: true, selector: { requirements } };
}

/** True when every requirement holds for `labels`; the empty selector matches everything. */
export function matchesSelector(selector: LabelSelector, labels: Readonly<Record<string, string>>): boolean {
  return selector.requirements.every((r) => {
    const has = Object.hasOwn(labels, r.key);
    switch (r.operator) {
      case 'In': return has && r.values.includes(labels[r.key]!);
      case 'NotIn': return !has || !r.values.includes(labels[r.key]!);
      case 'Exists': return has;
      case 'DoesNotExist': return !has;
    }
  });
}

/** kubectl's notation, for reports: `app=web,tier in (a,b),!legacy`. `{}` prints as `(all)`. */
export function formatSelector(selector: LabelSelector): string {
  if (selector.requirements.length === 0) return '(all)';
  return selector.requirements.map((r) => {
    switch (r.operator) {
      case 'In': return r.values.length === 1 ? `${r.key}=${r.values[0]}` : `${r.key} in (${r.values.join(',')})`;
      case 'NotIn': return `${r.key} notin (${r.values.join(',')})`;
      case 'Exists': return r.key;
      case 'DoesNotExist': return `!${r.key}`;
    }
  }).join(',');
}
