/** EC2 Query protocol input: filters, id lists and paging parameters from a form-encoded body. */

export interface Filter {
  name: string;
  values: string[];
  /** Values compiled once: EC2 accepts `*` and `?` wildcards. */
  match: (v: string) => boolean;
}

export class QueryError extends Error {
  constructor(readonly code: string, message: string, readonly status = 400) {
    super(message);
  }
}

/** EC2 refuses more than 200 values per filter (FilterLimitExceeded). */
export const MAX_FILTER_VALUES = 200;

const matcher = (values: readonly string[]): ((v: string) => boolean) => {
  const exact = new Set(values.filter((v) => !/[*?]/.test(v)));
  const patterns = values.filter((v) => /[*?]/.test(v)).map((v) => new RegExp(`^${v.replace(/[.+^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*').replaceAll('?', '.')}$`, 's'));
  return (v) => exact.has(v) || patterns.some((p) => p.test(v));
};

/** `Prefix.1`, `Prefix.2`, ... until the first gap. */
export function numbered(params: URLSearchParams, prefix: string): string[] {
  const out: string[] = [];
  for (let i = 1; ; i++) {
    const v = params.get(`${prefix}.${i}`);
    if (v === null) return out;
    out.push(v);
  }
}

export function parseFilters(params: URLSearchParams): Filter[] {
  const filters: Filter[] = [];
  for (let i = 1; ; i++) {
    const name = params.get(`Filter.${i}.Name`);
    if (name === null) return filters;
    const values = numbered(params, `Filter.${i}.Value`);
    if (values.length > MAX_FILTER_VALUES) throw new QueryError('FilterLimitExceeded', `The maximum number of filter values specified on a single call is ${MAX_FILTER_VALUES}`);
    filters.push({ name, values, match: matcher(values) });
  }
}

/** MaxResults within EC2's bounds (5..1000), or undefined when absent (one unpaginated answer). */
export function parseMaxResults(params: URLSearchParams, max = 1000): number | undefined {
  const raw = params.get('MaxResults');
  if (raw === null) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 5 || n > max) throw new QueryError('InvalidParameterValue', `Value ( ${raw} ) for parameter maxResults is invalid. Expecting a value between 5 and ${max}.`);
  return n;
}

/** NextToken: opaque to clients; here the last id of the previous page. */
export const encodeToken = (lastId: string): string => Buffer.from(JSON.stringify({ after: lastId })).toString('base64url');

export function decodeToken(token: string | null): string | null {
  if (token === null || token === '') return null;
  try {
    const v = JSON.parse(Buffer.from(token, 'base64url').toString()) as { after?: unknown };
    if (typeof v.after === 'string') return v.after;
  } catch {
    // fall through
  }
  throw new QueryError('InvalidParameterValue', `The token '${token}' is invalid.`);
}
