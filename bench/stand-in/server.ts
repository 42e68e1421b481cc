import http, { type IncomingMessage } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Estate } from '../estate/types.js';
import { Counters, type StandInStats } from './counters.js';
import { Ec2Service, type Answer } from './ec2.js';
import { EksService } from './eks.js';
import { KubeService } from './kube.js';
import { TokenBucket, type BucketSpec } from './token-bucket.js';

export interface StandInOptions {
  /** Throttle DeleteNetworkInterface (EC2's mutating bucket). Off when absent. */
  mutating?: BucketSpec;
  /** Throttle Describe* (EC2's non-mutating bucket). Off when absent. */
  nonMutating?: BucketSpec;
  /** Added to every answer, to model a remote API's latency. Default 0. */
  latencyMs?: number;
  port?: number;
}

export interface StandIn {
  /** http://127.0.0.1:<port>: AWS_ENDPOINT_URL for EC2 and EKS; Kubernetes lives under /k8s/<cluster>. */
  url: string;
  ec2: Ec2Service;
  stats(): StandInStats;
  reset(): void;
  close(): Promise<void>;
}

const readBody = (req: IncomingMessage): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });

/**
 * One local HTTP server speaking EC2 Query, EKS REST and the Kubernetes list API over a synthetic
 * estate, counting requests and bytes per operation. Real SDK clients talk to it unmodified.
 * Control endpoints under /__bench/ are not counted.
 */
export async function startStandIn(estate: Estate, opts: StandInOptions = {}): Promise<StandIn> {
  const counters = new Counters();
  const ec2 = new Ec2Service(estate, {
    ...(opts.mutating ? { mutating: new TokenBucket(opts.mutating.capacity, opts.mutating.refillPerSecond) } : {}),
    ...(opts.nonMutating ? { nonMutating: new TokenBucket(opts.nonMutating.capacity, opts.nonMutating.refillPerSecond) } : {}),
  });
  let base = '';
  const eks = new EksService(estate, (c) => `${base}/k8s/${encodeURIComponent(c)}`);
  const kube = new KubeService(estate);
  const sockets = new Set<Socket>();
  const closed = { bytesRead: 0, bytesWritten: 0, connections: 0 }; // bytes of closed sockets; connections ever opened

  const wire = () => {
    let r = closed.bytesRead;
    let w = closed.bytesWritten;
    for (const s of sockets) {
      r += s.bytesRead;
      w += s.bytesWritten;
    }
    return { bytesRead: r, bytesWritten: w, connections: closed.connections };
  };
  let wireBase = { bytesRead: 0, bytesWritten: 0, connections: 0 };
  const stats = (): StandInStats => {
    const w = wire();
    return { ops: counters.snapshot(), wire: { bytesRead: w.bytesRead - wireBase.bytesRead, bytesWritten: w.bytesWritten - wireBase.bytesWritten, connections: w.connections - wireBase.connections } };
  };
  const reset = () => {
    counters.reset();
    wireBase = wire();
  };

  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    const body = await readBody(req);
    if (url.pathname.startsWith('/__bench/')) {
      const out = url.pathname === '/__bench/stats' ? stats() : url.pathname === '/__bench/reset' ? (reset(), { ok: true }) : null;
      res.writeHead(out ? 200 : 404, { 'content-type': 'application/json' }).end(JSON.stringify(out ?? { error: 'unknown' }));
      return;
    }
    let answer: Answer | null;
    try {
      answer = req.method === 'POST' && url.pathname === '/'
        ? ec2.handle(new URLSearchParams(body.toString()))
        : eks.handle(req.method ?? 'GET', url) ?? kube.handle(req.method ?? 'GET', url);
    } catch (err) {
      answer = { status: 500, body: String(err), contentType: 'text/plain', op: 'stand-in-error' };
    }
    answer ??= { status: 404, body: JSON.stringify({ message: `unknown route ${req.method} ${url.pathname}` }), contentType: 'application/json', op: `unknown ${req.method} ${url.pathname}` };
    const payload = Buffer.from(answer.body);
    counters.record(answer.op, { status: answer.status, bytesIn: body.length, bytesOut: payload.length, ...(answer.throttled ? { throttled: true } : {}), ...(answer.items !== undefined ? { items: answer.items } : {}) });
    const send = () => res.writeHead(answer.status, { 'content-type': answer.contentType, 'content-length': payload.length, 'x-amzn-requestid': 'bench', ...answer.headers }).end(payload);
    if (opts.latencyMs) setTimeout(send, opts.latencyMs);
    else send();
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    closed.connections++; // opened, in fact: every connection ever made
    s.on('close', () => {
      sockets.delete(s);
      closed.bytesRead += s.bytesRead;
      closed.bytesWritten += s.bytesWritten;
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    ec2,
    stats,
    reset,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
