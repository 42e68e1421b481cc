import { QueryError, encodeToken, type Filter } from './ec2-query.js';

/** Answers one filter name for one item: its value(s), or undefined for an unknown filter. */
export type FieldOf<T> = (item: T, filter: string) => string | readonly string[] | null | undefined;

export interface Page<T> {
  items: T[];
  nextToken: string | null;
}

/**
 * A describable EC2 collection, sorted by id, paginated as EC2 does: up to MaxResults matches per
 * page, a NextToken while more remain. Deleted items stay in the array (skipped) so a token held
 * across deletions still resumes correctly.
 */
export class Listing<T extends { id: string }> {
  private readonly byId: Map<string, T>;
  private readonly deleted = new Set<string>();

  constructor(private readonly sorted: readonly T[], private readonly field: FieldOf<T>, private readonly idFilter: string) {
    this.byId = new Map(sorted.map((i) => [i.id, i]));
  }

  get(id: string): T | undefined {
    return this.deleted.has(id) ? undefined : this.byId.get(id);
  }

  delete(id: string): boolean {
    if (!this.get(id)) return false;
    this.deleted.add(id);
    return true;
  }

  all(): readonly T[] {
    return this.sorted;
  }

  get size(): number {
    return this.byId.size - this.deleted.size;
  }

  private matches(item: T, filters: readonly Filter[]): boolean {
    for (const f of filters) {
      const v = this.field(item, f.name);
      if (v === undefined) throw new QueryError('InvalidParameterValue', `The filter '${f.name}' is invalid`);
      if (v === null) return false;
      if (typeof v === 'string' ? !f.match(v) : !v.some(f.match)) return false;
    }
    return true;
  }

  page(filters: readonly Filter[], ids: readonly string[], maxResults: number | undefined, after: string | null): Page<T> {
    // By id (a filter or an id list): look the ids up rather than scan, as EC2's index does.
    const idValues = [...ids, ...filters.filter((f) => f.name === this.idFilter).flatMap((f) => f.values)];
    const byIdOnly = ids.length > 0 || filters.some((f) => f.name === this.idFilter && f.values.every((v) => !/[*?]/.test(v)));
    const candidates: readonly T[] = byIdOnly
      ? [...new Set(idValues)].sort().map((id) => this.get(id)).filter((i): i is T => i !== undefined)
      : this.sorted;
    let start = 0;
    if (after !== null) {
      let lo = 0;
      let hi = candidates.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (candidates[mid]!.id <= after) lo = mid + 1;
        else hi = mid;
      }
      start = lo;
    }
    const limit = maxResults ?? Number.POSITIVE_INFINITY;
    const items: T[] = [];
    let i = start;
    for (; i < candidates.length && items.length < limit; i++) {
      const c = candidates[i]!;
      if (!this.deleted.has(c.id) && this.matches(c, filters)) items.push(c);
    }
    // A token only when another match exists: the best case a real API can offer.
    let more = false;
    for (; i < candidates.length && !more; i++) more = !this.deleted.has(candidates[i]!.id) && this.matches(candidates[i]!, filters);
    return { items, nextToken: more && items.length > 0 ? encodeToken(items[items.length - 1]!.id) : null };
  }
}

/** `tag:<key>` and `tag-key` filters, common to every EC2 resource. */
export function tagField(tags: Readonly<Record<string, string>>, filter: string): string | readonly string[] | null | undefined {
  if (filter.startsWith('tag:')) return tags[filter.slice(4)] ?? null;
  if (filter === 'tag-key') return Object.keys(tags);
  return undefined;
}
