import http, { type IncomingMessage, type RequestListener } from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { Estate } from '../estate/types.js';
import { Counters, type StandInStats } from './counters.js';
import { Ec2Service, type Answer } from './ec2.js';
import { EksService } from './eks.js';
import { IamService } from './iam.js';
import { KubeService } from './kube.js';
import { selfSignedCert } from './tls.js';
import { TokenBucket, type BucketSpec } from './token-bucket.js';

export interface StandInOptions {
  /** Throttle DeleteNetworkInterface (EC2's mutating bucket). Off when absent. */
  mutating?: BucketSpec;
  /** Throttle Describe* (EC2's non-mutating bucket). Off when absent. */
  nonMutating?: BucketSpec;
  /** Added to every answer, to model a remote API's latency. Default 0. */
  latencyMs?: number;
  port?: number;
  /** Render every answer's items before listening (the bench: the first run then costs what later ones do). */
  warm?: boolean;
}

export interface StandIn {
  /** http://127.0.0.1:<port>: AWS_ENDPOINT_URL for EC2 and EKS. */
  url: string;
  /** https://127.0.0.1:<port>: each cluster's Kubernetes API is at /k8s/<cluster> (DescribeCluster's endpoint). */
  kubeUrl: string;
  /** Base64 PEM of the self-signed CA, as DescribeCluster's certificateAuthority.data returns it. */
  caData: string;
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
 * One local HTTP server speaking EC2 and IAM Query, EKS REST and the Kubernetes list API over a synthetic
 * estate, counting requests and bytes per operation. Real SDK clients talk to it unmodified.
 * Control endpoints under /__bench/ are not counted.
 */
export async function startStandIn(estate: Estate, opts: StandInOptions = {}): Promise<StandIn> {
  const counters = new Counters();
  const ec2 = new Ec2Service(estate, {
    ...(opts.mutating ? { mutating: new TokenBucket(opts.mutating.capacity, opts.mutating.refillPerSecond) } : {}),
    ...(opts.nonMutating ? { nonMutating: new TokenBucket(opts.nonMutating.capacity, opts.nonMutating.refillPerSecond) } : {}),
  });
  let kubeBase = '';
  const tls = selfSignedCert();
  const caData = Buffer.from(tls.cert).toString('base64');
  const eks = new EksService(estate, (c) => `${kubeBase}/k8s/${encodeURIComponent(c)}`, caData);
  const kube = new KubeService(estate);
  const iam = new IamService(estate);
  if (opts.warm) {
    ec2.warm();
    kube.warm();
  }
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

  const handler: RequestListener = async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    const body = await readBody(req);
    if (url.pathname.startsWith('/__bench/')) {
      const out = url.pathname === '/__bench/stats' ? stats() : url.pathname === '/__bench/reset' ? (reset(), { ok: true }) : null;
      res.writeHead(out ? 200 : 404, { 'content-type': 'application/json' }).end(JSON.stringify(out ?? { error: 'unknown' }));
      return;
    }
    let answer: Answer | null;
    try {
      if (req.method === 'POST' && url.pathname === '/') {
        // Query protocols share the endpoint; the API version tells IAM from EC2.
        const params = new URLSearchParams(body.toString());
        answer = params.get('Version') === '2010-05-08' ? iam.handle(params) : ec2.handle(params);
      } else answer = eks.handle(req.method ?? 'GET', url) ?? kube.handle(req.method ?? 'GET', url);
    } catch (err) {
      answer = { status: 500, body: String(err), contentType: 'text/plain', op: 'stand-in-error' };
    }
    answer ??= { status: 404, body: JSON.stringify({ message: `unknown route ${req.method} ${url.pathname}` }), contentType: 'application/json', op: `unknown ${req.method} ${url.pathname}` };
    const payload = Buffer.from(answer.body);
    counters.record(answer.op, { status: answer.status, bytesIn: body.length, bytesOut: payload.length, ...(answer.throttled ? { throttled: true } : {}), ...(answer.items !== undefined ? { items: answer.items } : {}) });
    const send = () => res.writeHead(answer.status, { 'content-type': answer.contentType, 'content-length': payload.length, 'x-amzn-requestid': 'bench', ...answer.headers }).end(payload);
    if (opts.latencyMs) setTimeout(send, opts.latencyMs);
    else send();
  };
  const server = http.createServer(handler);
  const tlsServer = https.createServer({ key: tls.key, cert: tls.cert }, handler);
  const track = (s: Socket) => {
    sockets.add(s);
    closed.connections++; // opened, in fact: every connection ever made
    s.on('close', () => {
      sockets.delete(s);
      closed.bytesRead += s.bytesRead;
      closed.bytesWritten += s.bytesWritten;
    });
  };
  server.on('connection', track);
  // TLS bytes are counted on the raw socket (ciphertext), as the client receives them.
  tlsServer.on('connection', track);
  for (const srv of [server, tlsServer]) srv.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
  await new Promise<void>((resolve) => tlsServer.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  kubeBase = `https://127.0.0.1:${(tlsServer.address() as AddressInfo).port}`;
  return {
    url: base,
    kubeUrl: kubeBase,
    caData,
    ec2,
    stats,
    reset,
    close: async () => {
      await Promise.all([server, tlsServer].map((srv) => new Promise<void>((resolve) => {
        srv.closeAllConnections();
        srv.close(() => resolve());
      })));
    },
  };
}
