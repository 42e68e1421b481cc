import { HttpMethod, IsomorphicFetchHttpLibrary, RequestContext, type KubeConfig } from '@kubernetes/client-node';

/**
 * A read-only Kubernetes API client: GET a path, get plain JSON back. KubeConfig (from
 * @kubernetes/client-node) does the authentication (tokens, client certificates, exec plugins such
 * as `aws eks get-token`) and TLS; the typed API classes are not used because they turn timestamps
 * into Date objects, and the auditor keeps objects exactly as the API (and `kubectl -o json`) returns
 * them, so live and snapshot runs read the same shapes.
 */
export class KubeApiError extends Error {
  override name = 'KubeApiError';
  constructor(
    readonly status: number,
    /** The Status reason (Forbidden, NotFound, Unauthorized, Gone, …), when the server sent one. */
    readonly reason: string | null,
    /** What was asked, e.g. `list nodes`. */
    readonly what: string,
    message: string,
  ) {
    super(message);
  }
}

export interface KubeClientOptions {
  /** Per request; a hung API server must not stall the sweep. */
  timeoutMs?: number;
}

export class KubeClient {
  /** Requests sent (for reports and tests). */
  calls = 0;
  readonly server: string;
  private readonly http = new IsomorphicFetchHttpLibrary();
  private readonly timeoutMs: number;

  constructor(private readonly kc: KubeConfig, opts: KubeClientOptions = {}) {
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new Error(`kubeconfig context "${kc.getCurrentContext()}" names no cluster`);
    this.server = cluster.server.replace(/\/+$/, '');
    this.timeoutMs = opts.timeoutMs ?? 20_000;
  }

  async get<T>(path: string, query: Record<string, string | number | undefined>, what: string): Promise<T> {
    const ctx = new RequestContext(`${this.server}${path}`, HttpMethod.GET);
    for (const [k, v] of Object.entries(query)) if (v !== undefined) ctx.setQueryParam(k, String(v));
    ctx.setHeaderParam('Accept', 'application/json');
    await this.kc.applySecurityAuthentication(ctx);
    ctx.setSignal(AbortSignal.timeout(this.timeoutMs));
    this.calls++;
    const res = await this.http.send(ctx).toPromise();
    const text = await res.body.text();
    if (res.httpStatusCode >= 400) {
      let status: { reason?: string; message?: string } = {};
      try {
        status = JSON.parse(text) as typeof status;
      } catch {
        // Not a Status object (a proxy or load balancer answered): keep the raw text.
      }
      throw new KubeApiError(res.httpStatusCode, status.reason ?? null, what, status.message ?? (text.slice(0, 300) || `HTTP ${res.httpStatusCode}`));
    }
    return JSON.parse(text) as T;
  }
}
