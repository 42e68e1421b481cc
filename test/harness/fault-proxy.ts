/**
 * A reverse proxy in front of moto that injects AWS-shaped failures.
 *
 * moto has no throttling or fault injection (test-infrastructure.md §1), yet
 * the product must survive RequestLimitExceeded, 5xx, hung and reset
 * connections. Point an SDK client (or AWS_ENDPOINT_URL) at `endpoint`, add
 * rules, and everything that matches no rule is forwarded to moto verbatim.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { randomUUID } from 'node:crypto';

export type FaultKind = 'throttle' | 'server-error' | 'timeout' | 'reset';

export type FaultRule = {
  /**
   * EC2/SNS Query `Action=` (form body or query string), or the operation part
   * of `X-Amz-Target` for JSON protocols (`DynamoDB_20120810.PutItem` → `PutItem`).
   */
  action?: string;
  /** REST protocols (EKS): matched against the request path, without query string. */
  path?: RegExp;
  /** HTTP method, case-insensitive; pairs with `path` for REST operations. */
  method?: string;
  /** SigV4 signing name from the Authorization header (`ec2`, `eks`, `sns`, ...). */
  service?: string;
  kind: FaultKind;
  /** How many matching requests get the fault; Infinity for all of them. */
  times: number;
};

export type RecordedRequest = {
  service?: string;
  /** Query/JSON operation name, or `METHOD /path` for REST calls. */
  action: string;
  /** Status sent to the client; 0 while pending, for `timeout` and for `reset`. */
  status: number;
  /** The fault injected, if any. */
  fault?: FaultKind;
};

export type FaultProxy = {
  endpoint: string;
  addFault(rule: FaultRule): void;
  clearFaults(): void;
  /** Every request seen, in arrival order. */
  readonly requests: ReadonlyArray<RecordedRequest>;
  clearRequests(): void;
  /** Closes the listener and destroys every socket, hung ones included. */
  stop(): Promise<void>;
};

type Protocol = 'ec2' | 'query' | 'json';

type Classified = {
  service?: string;
  action: string;
  pathname: string;
  method: string;
  protocol: Protocol;
};

function classify(req: IncomingMessage, body: Buffer): Classified {
  const url = new URL(req.url ?? '/', 'http://proxy.invalid');
  const method = (req.method ?? 'GET').toUpperCase();
  // Authorization: AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/ec2/aws4_request, ...
  const auth = req.headers.authorization ?? '';
  const service = /Credential=[^/]+\/[^/]+\/[^/]+\/([^/]+)\//.exec(auth)?.[1];

  const target = req.headers['x-amz-target'];
  if (typeof target === 'string' && target.length > 0) {
    return { service, action: target.slice(target.lastIndexOf('.') + 1), pathname: url.pathname, method, protocol: 'json' };
  }

  const contentType = req.headers['content-type'] ?? '';
  const form = contentType.includes('application/x-www-form-urlencoded')
    ? new URLSearchParams(body.toString('utf8'))
    : undefined;
  const queryAction = form?.get('Action') ?? url.searchParams.get('Action');
  if (queryAction) {
    return { service, action: queryAction, pathname: url.pathname, method, protocol: service === 'ec2' ? 'ec2' : 'query' };
  }

  return { service, action: `${method} ${url.pathname}`, pathname: url.pathname, method, protocol: 'json' };
}

function matches(rule: FaultRule, c: Classified): boolean {
  if (rule.times <= 0) return false;
  if (rule.action !== undefined && rule.action !== c.action) return false;
  if (rule.path !== undefined) {
    rule.path.lastIndex = 0; // a /g or /y RegExp would otherwise alternate
    if (!rule.path.test(c.pathname)) return false;
  }
  if (rule.method !== undefined && rule.method.toUpperCase() !== c.method) return false;
  if (rule.service !== undefined && rule.service !== c.service) return false;
  return true;
}

// Error codes the SDK's retry strategy recognises (throttling → retry with
// backoff; 5xx → transient retry), shaped per wire protocol.
const JSON_SERVER_ERROR: Record<string, string> = {
  eks: 'ServerException',
  dynamodb: 'InternalServerError',
};

function sendError(res: ServerResponse, c: Classified, kind: 'throttle' | 'server-error'): number {
  const requestId = randomUUID();
  const throttle = kind === 'throttle';
  if (c.protocol === 'ec2') {
    const [code, message] = throttle
      ? ['RequestLimitExceeded', 'Request limit exceeded.']
      : ['InternalError', 'An internal error has occurred.'];
    const status = throttle ? 503 : 500;
    const xml =
      `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${code}</Code>` +
      `<Message>${message}</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`;
    res.writeHead(status, { 'content-type': 'text/xml;charset=UTF-8', 'x-amzn-requestid': requestId });
    res.end(xml);
    return status;
  }
  if (c.protocol === 'query') {
    // awsQuery services (SNS, STS, ...) wrap errors in <ErrorResponse>.
    const [code, type, message, status] = throttle
      ? ['Throttling', 'Sender', 'Rate exceeded', 400]
      : ['InternalFailure', 'Receiver', 'An internal error has occurred.', 500];
    const xml =
      `<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse><Error><Type>${type}</Type><Code>${code}</Code>` +
      `<Message>${message}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
    res.writeHead(status, { 'content-type': 'text/xml', 'x-amzn-requestid': requestId });
    res.end(xml);
    return status;
  }
  const [type, message, status] = throttle
    ? ['ThrottlingException', 'Rate exceeded', 429]
    : [JSON_SERVER_ERROR[c.service ?? ''] ?? 'InternalFailure', 'An internal error has occurred.', 500];
  res.writeHead(status, {
    'content-type': 'application/json',
    'x-amzn-errortype': type,
    'x-amzn-requestid': requestId,
  });
  res.end(JSON.stringify({ __type: type, message }));
  return status;
}

export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const upstream = new URL(target);
  if (upstream.protocol !== 'http:') throw new Error(`fault proxy forwards to http:// only, got ${target}`);

  const rules: FaultRule[] = [];
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const inflight = new Set<http.ClientRequest>();
  // No keep-alive upstream: nothing to leak or reuse after stop().
  const agent = new http.Agent({ keepAlive: false });

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('error', () => {});
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const c = classify(req, body);
      const record: RecordedRequest = { service: c.service, action: c.action, status: 0 };
      requests.push(record);

      const rule = rules.find((r) => matches(r, c));
      if (rule) {
        rule.times -= 1; // Infinity - 1 === Infinity
        record.fault = rule.kind;
        switch (rule.kind) {
          case 'throttle':
          case 'server-error':
            record.status = sendError(res, c, rule.kind);
            return;
          case 'timeout':
            // Hold the request open; stop() destroys the socket.
            return;
          case 'reset': {
            // RST rather than FIN, like a dropped connection (the client sees ECONNRESET).
            const socket = req.socket as Socket & { resetAndDestroy?: () => Socket };
            if (socket.resetAndDestroy) socket.resetAndDestroy();
            else socket.destroy();
            return;
          }
        }
      }
      forward(req, res, body, record);
    });
  });

  function forward(req: IncomingMessage, res: ServerResponse, body: Buffer, record: RecordedRequest): void {
    const out = http.request(
      {
        agent,
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        // Verbatim, Host included: the SigV4 signature covers it.
        headers: req.headers,
      },
      (upRes) => {
        record.status = upRes.statusCode ?? 0;
        res.writeHead(upRes.statusCode ?? 502, upRes.statusMessage, upRes.headers);
        upRes.pipe(res);
        upRes.on('error', () => res.destroy());
      },
    );
    inflight.add(out);
    out.on('close', () => inflight.delete(out));
    out.on('error', (err) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      record.status = 502;
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`fault-proxy: upstream ${target} failed: ${err.message}`);
    });
    out.end(body);
  }

  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  // A client that gave up on a hung request may reset; don't let it crash the worker.
  server.on('clientError', (_err, socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0 }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address();
  if (!addr || typeof addr !== 'object') throw new Error('fault proxy: no listening address');

  let stopped: Promise<void> | undefined;
  return {
    endpoint: `http://127.0.0.1:${addr.port}`,
    addFault(rule) {
      if (!(rule.times > 0)) throw new Error(`fault rule needs times > 0, got ${rule.times}`);
      rules.push({ ...rule });
    },
    clearFaults() {
      rules.length = 0;
    },
    get requests() {
      return requests;
    },
    clearRequests() {
      requests.length = 0;
    },
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const out of inflight) out.destroy();
        for (const socket of sockets) socket.destroy();
        agent.destroy();
      });
      return stopped;
    },
  };
}
