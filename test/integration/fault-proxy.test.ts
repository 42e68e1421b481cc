/**
 * The fault proxy in front of moto: the SDK's retry behaviour against
 * throttling, 5xx, hung and reset connections, as the product will see it.
 */
import { describe, test, expect, beforeAll, afterAll, beforeEach } from '@jest/globals';
import {
  EC2Client,
  CreateVpcCommand,
  DescribeNetworkInterfacesCommand,
  DescribeVpcsCommand,
  type EC2ServiceException,
} from '@aws-sdk/client-ec2';
import {
  EKSClient,
  CreateClusterCommand,
  DescribeClusterCommand,
  ListClustersCommand,
  type EKSServiceException,
} from '@aws-sdk/client-eks';
import { startMoto, clientConfig, type MotoServer } from '../harness/moto.js';
import { startFaultProxy, type FaultProxy } from '../harness/fault-proxy.js';

let moto: MotoServer;
let proxy: FaultProxy;

beforeAll(async () => {
  moto = await startMoto();
  proxy = await startFaultProxy(moto.endpoint);
});

afterAll(async () => {
  await proxy?.stop();
  await moto?.stop();
});

beforeEach(() => {
  proxy.clearFaults();
  proxy.clearRequests();
});

const DNI = 'DescribeNetworkInterfaces';

function ec2(extra: Partial<ConstructorParameters<typeof EC2Client>[0]> = {}): EC2Client {
  return new EC2Client({ ...clientConfig(proxy.endpoint), maxAttempts: 3, ...extra });
}

function attemptsOf(action: string) {
  return proxy.requests.filter((r) => r.action === action);
}

async function rejection(p: Promise<unknown>): Promise<Error & { $metadata?: { attempts?: number; httpStatusCode?: number }; $fault?: string }> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected the call to fail');
}

describe('pass-through', () => {
  test('forwards requests verbatim and records them', async () => {
    const client = ec2();
    try {
      const { Vpc } = await client.send(new CreateVpcCommand({ CidrBlock: '10.1.0.0/16' }));
      // Visible directly in moto: the proxy really forwarded the write.
      const direct = new EC2Client(clientConfig(moto.endpoint));
      const { Vpcs } = await direct.send(new DescribeVpcsCommand({ VpcIds: [Vpc!.VpcId!] }));
      direct.destroy();
      expect(Vpcs).toHaveLength(1);
    } finally {
      client.destroy();
    }
    expect(proxy.requests).toEqual([{ service: 'ec2', action: 'CreateVpc', status: 200 }]);
  });
});

describe('EC2 throttling', () => {
  test('maxAttempts 3 rides out two RequestLimitExceeded', async () => {
    proxy.addFault({ action: DNI, kind: 'throttle', times: 2 });
    const client = ec2();
    try {
      const out = await client.send(new DescribeNetworkInterfacesCommand({}));
      expect(out.$metadata.attempts).toBe(3);
    } finally {
      client.destroy();
    }
    expect(attemptsOf(DNI).map((r) => r.status)).toEqual([503, 503, 200]);
  });

  test('throttled every time → RequestLimitExceeded after 3 attempts', async () => {
    proxy.addFault({ action: DNI, kind: 'throttle', times: Infinity });
    const client = ec2();
    const err = await rejection(client.send(new DescribeNetworkInterfacesCommand({})));
    client.destroy();
    expect(err.name).toBe('RequestLimitExceeded');
    expect(err.message).toBe('Request limit exceeded.');
    expect(err.$metadata?.httpStatusCode).toBe(503);
    expect(err.$metadata?.attempts).toBe(3);
    expect(attemptsOf(DNI)).toHaveLength(3);
  });

  test('a rule only hits its action', async () => {
    proxy.addFault({ action: DNI, kind: 'throttle', times: Infinity });
    const client = ec2({ maxAttempts: 1 });
    try {
      await client.send(new DescribeVpcsCommand({}));
    } finally {
      client.destroy();
    }
    expect(proxy.requests).toEqual([{ service: 'ec2', action: 'DescribeVpcs', status: 200 }]);
  });
});

describe('server errors', () => {
  test('EC2 InternalError is surfaced as a server fault', async () => {
    proxy.addFault({ action: DNI, kind: 'server-error', times: Infinity });
    const client = ec2({ maxAttempts: 1 });
    const err = (await rejection(client.send(new DescribeNetworkInterfacesCommand({})))) as EC2ServiceException;
    client.destroy();
    expect(err.name).toBe('InternalError');
    expect(err.$fault).toBe('server');
    expect(err.$metadata.httpStatusCode).toBe(500);
    expect(attemptsOf(DNI)).toEqual([{ service: 'ec2', action: DNI, status: 500, fault: 'server-error' }]);
  });

  test('one 500 is retried away by the default strategy', async () => {
    proxy.addFault({ action: DNI, kind: 'server-error', times: 1 });
    const client = ec2();
    try {
      const out = await client.send(new DescribeNetworkInterfacesCommand({}));
      expect(out.$metadata.attempts).toBe(2);
    } finally {
      client.destroy();
    }
  });

  test('EKS (REST): path rules, ServerException and ThrottlingException', async () => {
    const eks = new EKSClient({ ...clientConfig(proxy.endpoint), maxAttempts: 1 });
    try {
      await eks.send(
        new CreateClusterCommand({
          name: 'c1',
          roleArn: 'arn:aws:iam::123456789012:role/eks',
          resourcesVpcConfig: { subnetIds: [] },
        }),
      );
      proxy.addFault({ method: 'GET', path: /^\/clusters\/c1$/, kind: 'server-error', times: 1 });
      proxy.addFault({ method: 'GET', path: /^\/clusters$/, kind: 'throttle', times: 1 });

      const e1 = (await rejection(eks.send(new DescribeClusterCommand({ name: 'c1' })))) as EKSServiceException;
      expect(e1.name).toBe('ServerException');
      expect(e1.$metadata.httpStatusCode).toBe(500);

      const e2 = (await rejection(eks.send(new ListClustersCommand({})))) as EKSServiceException;
      expect(e2.name).toBe('ThrottlingException');
      expect(e2.$metadata.httpStatusCode).toBe(429);

      // Both rules are used up: traffic flows again.
      const { cluster } = await eks.send(new DescribeClusterCommand({ name: 'c1' }));
      expect(cluster?.status).toBe('ACTIVE');
    } finally {
      eks.destroy();
    }
    expect(proxy.requests.map((r) => [r.service, r.action, r.status])).toEqual([
      ['eks', 'POST /clusters', 200],
      ['eks', 'GET /clusters/c1', 500],
      ['eks', 'GET /clusters', 429],
      ['eks', 'GET /clusters/c1', 200],
    ]);
  });
});

describe('connection faults', () => {
  // @smithy/node-http-handler 4.x: `requestTimeout` alone only logs a warning
  // ("Init client requestHandler with throwOnRequestTimeout=true ..."); it throws
  // only with throwOnRequestTimeout. Otherwise a hung endpoint stalls the call
  // until the SDK's default socket timeout (900 s for EC2).
  test('timeout: requestTimeout 500 ms (+ throwOnRequestTimeout) fails with TimeoutError in < 5 s', async () => {
    proxy.addFault({ action: DNI, kind: 'timeout', times: Infinity });
    const client = ec2({ requestHandler: { requestTimeout: 500, throwOnRequestTimeout: true } });
    const started = Date.now();
    const err = await rejection(client.send(new DescribeNetworkInterfacesCommand({})));
    const elapsed = Date.now() - started;
    client.destroy();
    expect(err.name).toBe('TimeoutError');
    expect(elapsed).toBeLessThan(5000);
    // Timeouts are transient to the SDK: each of the 3 attempts hung.
    expect(err.$metadata?.attempts).toBe(3);
    expect(attemptsOf(DNI).map((r) => r.fault)).toEqual(['timeout', 'timeout', 'timeout']);
  });

  test('timeout: socketTimeout 500 ms also fails with TimeoutError', async () => {
    proxy.addFault({ action: DNI, kind: 'timeout', times: Infinity });
    const client = ec2({ maxAttempts: 1, requestHandler: { socketTimeout: 500 } });
    const started = Date.now();
    const err = await rejection(client.send(new DescribeNetworkInterfacesCommand({})));
    client.destroy();
    expect(err.name).toBe('TimeoutError');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  test('timeout: requestTimeout alone only warns and keeps waiting (the trap)', async () => {
    proxy.addFault({ action: DNI, kind: 'timeout', times: Infinity });
    const warnings: string[] = [];
    const quiet = { debug() {}, info() {}, warn: (m: unknown) => warnings.push(String(m)), error() {} };
    const client = ec2({ maxAttempts: 1, requestHandler: { requestTimeout: 500, logger: quiet } });
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), 1500);
    const err = await rejection(client.send(new DescribeNetworkInterfacesCommand({}), { abortSignal: abort.signal }));
    clearTimeout(timer);
    client.destroy();
    // Still pending at 1.5 s: only our own abort ended it.
    expect(err.name).toBe('AbortError');
    expect(warnings.join('\n')).toMatch(/exceeded the configured 500 ms requestTimeout/);
  });

  test('reset: a dropped connection is retried, and fatal with maxAttempts 1', async () => {
    proxy.addFault({ action: DNI, kind: 'reset', times: 1 });
    const retrying = ec2();
    try {
      const out = await retrying.send(new DescribeNetworkInterfacesCommand({}));
      expect(out.$metadata.attempts).toBe(2);
    } finally {
      retrying.destroy();
    }

    proxy.addFault({ action: DNI, kind: 'reset', times: 1 });
    const once = ec2({ maxAttempts: 1 });
    const err = await rejection(once.send(new DescribeNetworkInterfacesCommand({})));
    once.destroy();
    // Under jest's vm-modules realm, errors made by node:http are not `instanceof
    // Error` there, so the SDK wraps them and `.code` is lost; match the message.
    expect(err.message).toMatch(/ECONNRESET/);
    expect(attemptsOf(DNI).map((r) => r.status)).toEqual([0, 200, 0]);
  });

  test('stop() destroys hung sockets', async () => {
    const own = await startFaultProxy(moto.endpoint);
    own.addFault({ kind: 'timeout', times: Infinity }); // no matcher: every request
    const hung = fetch(`${own.endpoint}/`, { method: 'POST', body: 'Action=DescribeVpcs' });
    // Wait until the proxy has the request, then stop it under the client's feet.
    while (own.requests.length === 0) await new Promise((r) => setTimeout(r, 10));
    const started = Date.now();
    await own.stop();
    await expect(hung).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
