import { KubeApiError, type KubeClient } from '../../kube/kube-client.js';
import type { KubeObject } from './raw-kubernetes.js';

export interface ListRequest {
  path: string;
  /** For errors and permission messages, e.g. `list nodes`. */
  what: string;
  pageSize: number;
  fieldSelector?: string;
  labelSelector?: string;
  /**
   * Serve the list from the API server's watch cache (resourceVersion=0) instead of a quorum read
   * from etcd: a second's staleness does not change a capacity verdict, and it spares etcd. The
   * price: a cache-served list ignores `limit` (seen on 1.33: 100+ pods in one page with limit=2;
   * paging from the cache needs the snapshottable cache of KEP-4988), so use it for lists whose size
   * is bounded or cut by a selector (nodes, field-selected events), not for pods. The loop copes
   * with either answer.
   */
  cacheOk: boolean;
}

interface ListBody<T> {
  apiVersion?: string;
  kind?: string;
  items?: T[];
  metadata?: { continue?: string };
}

/**
 * Every item of a list, page by page (limit + continue). Continue pages carry no resourceVersion
 * (the API rejects both together). A 410 Gone means the continue token expired mid-list (etcd
 * compaction): start over once, which returns a consistent list again.
 */
export async function listAll<T extends KubeObject>(client: KubeClient, req: ListRequest): Promise<T[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      const items: T[] = [];
      let token: string | undefined;
      do {
        const page: ListBody<T> = await client.get<ListBody<T>>(req.path, {
          limit: req.pageSize,
          fieldSelector: req.fieldSelector,
          labelSelector: req.labelSelector,
          ...(token ? { continue: token } : req.cacheOk ? { resourceVersion: '0' } : {}),
        }, req.what);
        // The API leaves kind/apiVersion off list items; kubectl fills them in, and so do we, so a
        // snapshot file holds the same objects `kubectl get -o json` prints.
        const kind = page.kind?.replace(/List$/, '');
        for (const item of page.items ?? []) items.push(slim({ ...(kind ? { kind } : {}), ...(page.apiVersion ? { apiVersion: page.apiVersion } : {}), ...item }));
        token = page.metadata?.continue || undefined;
      } while (token);
      return items;
    } catch (err) {
      if (err instanceof KubeApiError && err.status === 410 && attempt === 1) continue;
      throw err;
    }
  }
}

/** managedFields and kubectl's last-applied copy are most of an object's size and never read. */
export function slim<T extends KubeObject>(o: T): T {
  if (!o.metadata) return o;
  const { managedFields: _managed, ...metadata } = o.metadata;
  const annotations = metadata.annotations;
  if (annotations && 'kubectl.kubernetes.io/last-applied-configuration' in annotations) {
    const { 'kubectl.kubernetes.io/last-applied-configuration': _last, ...rest } = annotations;
    metadata.annotations = rest;
  }
  return { ...o, metadata };
}
