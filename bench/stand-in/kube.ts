import type { Estate, KubeEstate } from '../estate/types.js';
import type { Answer } from './ec2.js';

const JSON_TYPE = 'application/json';

interface Kind {
  list: string;
  apiVersion: string;
  items: (k: KubeEstate) => object[];
  namespaced: boolean;
}

/** List endpoints (path below the cluster's prefix) and what they serve. */
const KINDS: Record<string, Kind> = {
  '/api/v1/nodes': { list: 'NodeList', apiVersion: 'v1', items: (k) => k.nodes, namespaced: false },
  '/api/v1/pods': { list: 'PodList', apiVersion: 'v1', items: (k) => k.pods, namespaced: true },
  '/api/v1/events': { list: 'EventList', apiVersion: 'v1', items: (k) => k.events, namespaced: true },
  '/apis/vpcresources.k8s.aws/v1alpha1/cninodes': { list: 'CNINodeList', apiVersion: 'vpcresources.k8s.aws/v1alpha1', items: (k) => k.cniNodes, namespaced: false },
  '/apis/crd.k8s.amazonaws.com/v1alpha1/eniconfigs': { list: 'ENIConfigList', apiVersion: 'crd.k8s.amazonaws.com/v1alpha1', items: (k) => k.eniConfigs, namespaced: false },
  '/apis/vpcresources.k8s.aws/v1beta1/securitygrouppolicies': { list: 'SecurityGroupPolicyList', apiVersion: 'vpcresources.k8s.aws/v1beta1', items: (k) => k.securityGroupPolicies, namespaced: true },
  '/api/v1/serviceaccounts': { list: 'ServiceAccountList', apiVersion: 'v1', items: (k) => k.serviceAccounts, namespaced: true },
};
const AWS_NODE_PATH = '/apis/apps/v1/namespaces/kube-system/daemonsets/aws-node';

const get = (o: unknown, path: string): string | undefined => {
  let v: unknown = o;
  for (const p of path.split('.')) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[p] : undefined;
  return v === undefined || v === null ? undefined : String(v);
};

/** `a=b,c!=d` (field selectors) or `k=v,k!=v,k` (label selectors, equality only). */
function selector(raw: string | null, read: (o: object, key: string) => string | undefined): ((o: object) => boolean) | null {
  if (!raw) return null;
  const terms = raw.split(',').map((t) => {
    const m = /^([^!=]+)(==|=|!=)?(.*)$/.exec(t.trim())!;
    return { key: m[1]!, op: m[2] ?? 'exists', value: m[3] ?? '' };
  });
  return (o) => terms.every((t) => {
    const v = read(o, t.key);
    return t.op === 'exists' ? v !== undefined : t.op === '!=' ? v !== t.value : v === t.value;
  });
}

const status = (code: number, reason: string, message: string) =>
  JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code });

/**
 * The Kubernetes list API over each live cluster's objects, at `/k8s/<cluster>/…`: `limit` and
 * `continue` (an opaque token; `remainingItemCount` like the apiserver), field and label
 * selectors, namespaced and all-namespace lists. Items are serialised once and cached.
 */
export class KubeService {
  private readonly clusters: Map<string, KubeEstate>;
  private readonly cache = new Map<string, string[]>();
  readonly resourceVersion = '987654';

  constructor(estate: Estate) {
    this.clusters = new Map(estate.kube.map((k) => [k.cluster, k]));
    // Clusters ListClusters names but the estate gives no workload: reachable, and empty.
    for (const name of estate.listedClusters) {
      if (!this.clusters.has(name)) this.clusters.set(name, { cluster: name, nodes: [], pods: [], events: [], cniNodes: [], eniConfigs: [], securityGroupPolicies: [], serviceAccounts: [], awsNode: estate.kube[0]?.awsNode ?? {} });
    }
  }

  /** Serialises every list once (see Ec2Service.warm). */
  warm(): void {
    for (const k of this.clusters.values()) for (const [path, kind] of Object.entries(KINDS)) this.serialised(k, path, kind);
  }

  handle(method: string, url: URL): Answer | null {
    const m = /^\/k8s\/([^/]+)(\/.*)$/.exec(url.pathname);
    if (!m) return null;
    const cluster = this.clusters.get(decodeURIComponent(m[1]!));
    let path = m[2]!;
    if (!cluster) return { status: 404, body: status(404, 'NotFound', 'no such cluster'), contentType: JSON_TYPE, op: 'k8s:unknown-cluster' };
    if (method !== 'GET') return { status: 405, body: status(405, 'MethodNotAllowed', 'read-only stand-in'), contentType: JSON_TYPE, op: `k8s:${method}` };
    if (path === AWS_NODE_PATH) return { status: 200, body: JSON.stringify(cluster.awsNode), contentType: JSON_TYPE, op: 'k8s:daemonsets/aws-node', items: 1 };
    // Namespaced lists: /api/v1/namespaces/<ns>/pods → the cluster-wide list filtered by namespace.
    let namespace: string | null = null;
    const ns = /^\/api\/v1\/namespaces\/([^/]+)\/(pods|events|serviceaccounts)$/.exec(path);
    if (ns) {
      namespace = decodeURIComponent(ns[1]!);
      path = `/api/v1/${ns[2]}`;
    }
    const kind = KINDS[path];
    if (!kind) return { status: 404, body: status(404, 'NotFound', `the server could not find the requested resource (${path})`), contentType: JSON_TYPE, op: `k8s:404 ${path}` };
    return this.list(cluster, path, kind, namespace, url.searchParams);
  }

  private serialised(cluster: KubeEstate, path: string, kind: Kind): string[] {
    const key = `${cluster.cluster}${path}`;
    let v = this.cache.get(key);
    if (!v) this.cache.set(key, (v = kind.items(cluster).map((o) => JSON.stringify(o))));
    return v;
  }

  private list(cluster: KubeEstate, path: string, kind: Kind, namespace: string | null, q: URLSearchParams): Answer {
    const op = `k8s:${path.split('/').pop()}`;
    const objects = kind.items(cluster);
    const json = this.serialised(cluster, path, kind);
    const fields = selector(q.get('fieldSelector'), get);
    const labels = selector(q.get('labelSelector'), (o, k) => (o as { metadata?: { labels?: Record<string, string> } }).metadata?.labels?.[k]);
    const filtered = namespace !== null || fields !== null || labels !== null;
    const keep = (o: object) => (namespace === null || get(o, 'metadata.namespace') === namespace) && (!fields || fields(o)) && (!labels || labels(o));

    const limitRaw = q.get('limit');
    const limit = limitRaw ? Number(limitRaw) : 0;
    if (!Number.isInteger(limit) || limit < 0) return { status: 400, body: status(400, 'BadRequest', `invalid limit ${limitRaw}`), contentType: JSON_TYPE, op };
    let start = 0;
    const token = q.get('continue');
    if (token) {
      try {
        start = (JSON.parse(Buffer.from(token, 'base64url').toString()) as { start: number }).start;
      } catch {
        return { status: 400, body: status(400, 'BadRequest', 'continue key is not valid'), contentType: JSON_TYPE, op };
      }
    }
    const parts: string[] = [];
    let i = start;
    for (; i < objects.length && (limit === 0 || parts.length < limit); i++) if (!filtered || keep(objects[i]!)) parts.push(json[i]!);
    // Like the apiserver with a selector, read on until a page is full; a token only if more remain.
    let more = false;
    for (let j = i; j < objects.length && !more; j++) more = !filtered || keep(objects[j]!);
    const meta: Record<string, unknown> = { resourceVersion: this.resourceVersion };
    if (more) {
      meta.continue = Buffer.from(JSON.stringify({ start: i, rv: this.resourceVersion })).toString('base64url');
      if (!filtered) meta.remainingItemCount = objects.length - i;
    }
    const body = `{"kind":"${kind.list}","apiVersion":"${kind.apiVersion}","metadata":${JSON.stringify(meta)},"items":[${parts.join(',')}]}`;
    return { status: 200, body, contentType: JSON_TYPE, op, items: parts.length };
  }
}
