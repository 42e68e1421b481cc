/**
 * Kubernetes side of the integration-test harness: a real kube-apiserver +
 * etcd (built from the Go module proxy by kube/build.sh) on 127.0.0.1.
 *
 * Nothing schedules or runs pods; tests create Node/Pod objects directly.
 * Authentication is a static token file, authorization is RBAC, so the
 * 401/403 paths the product meets against EKS can be exercised for real.
 *
 * Keep this file free of relative imports: global-setup.ts require()s it
 * through jest's CJS transform, where `./x.js` specifiers don't resolve to .ts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { X509Certificate, createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { closeSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface KubeBinaries {
  apiserver: string;
  etcd: string;
}

export interface KubeHarness {
  /** https://127.0.0.1:PORT */
  server: string;
  /** Base64 of the PEM CA certificate that signs the serving cert, as EKS DescribeCluster returns it. */
  caData: string;
  tokens: { admin: string; auditor: string; noaccess: string };
  /** Writes a kubeconfig for `token` into the harness temp dir and returns its path. */
  kubeconfigFor(token: string): string;
  stop(): Promise<void>;
}

export interface StartKubeOptions {
  /** How long to wait for etcd and /readyz. Default 60 s. */
  startupTimeoutMs?: number;
  /** Appended to the kube-apiserver command line (later flags win). */
  extraApiserverArgs?: string[];
  /** Leave the temp dir (logs, data) on stop() for debugging. Also via VPC_CNI_AUDITOR_KEEP_KUBE=1. */
  keepTempDir?: boolean;
}

/** Username the product's least-privilege token authenticates as; tests bind RBAC to it. */
export const AUDITOR_USER = 'vpc-cni-auditor';

const BUILD_SCRIPT = fileURLToPath(new URL('./kube/build.sh', import.meta.url));
const LOG_TAIL_LINES = 40;

// ---------------------------------------------------------------------------
// Binaries

let binariesPromise: Promise<KubeBinaries> | undefined;

/**
 * Builds (first time: many minutes) or finds the cached binaries.
 * VPC_CNI_AUDITOR_KUBE_APISERVER + VPC_CNI_AUDITOR_ETCD skip the build and use
 * prebuilt binaries instead.
 */
export function ensureKubeBinaries(): Promise<KubeBinaries> {
  const apiserver = process.env.VPC_CNI_AUDITOR_KUBE_APISERVER;
  const etcd = process.env.VPC_CNI_AUDITOR_ETCD;
  if (apiserver && etcd) return Promise.resolve({ apiserver, etcd });
  // Memoised per process; a failure is not cached so a retry can succeed.
  binariesPromise ??= runBuild().catch((err: unknown) => {
    binariesPromise = undefined;
    throw err;
  });
  return binariesPromise;
}

function runBuild(): Promise<KubeBinaries> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [BUILD_SCRIPT], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      // A first build takes minutes: show progress, but keep cache hits quiet.
      if (!/^\[kube-build\] cached/m.test(d)) process.stderr.write(d);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const vars = Object.fromEntries(
        stdout.split('\n').flatMap((l) => {
          const m = /^(KUBE_APISERVER|ETCD)=(.+)$/.exec(l.trim());
          return m ? [[m[1], m[2]]] : [];
        }),
      ) as Record<string, string | undefined>;
      if (code === 0 && vars.KUBE_APISERVER && vars.ETCD) {
        resolve({ apiserver: vars.KUBE_APISERVER, etcd: vars.ETCD });
      } else {
        reject(new Error(`${BUILD_SCRIPT} failed (exit ${code}):\n${tail(stderr, LOG_TAIL_LINES)}`));
      }
    });
  });
}

// ---------------------------------------------------------------------------
// Process lifetime: children run in their own process groups (so stop() can
// kill anything they fork), which also means they would survive jest. Three
// layers make sure they don't: stop(); a process 'exit'/signal hook; and a
// watchdog that kills them when this process dies even by SIGKILL (jest
// force-exits stuck workers that way).

interface Tracked {
  pgids: number[];
  watchdog: ChildProcess;
  /** Temp dir to remove on process exit; undefined when it should be kept. */
  dir: string | undefined;
}
const live = new Set<Tracked>();
let hooksInstalled = false;

function killGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // Already gone.
  }
}

function killTrackedSync(t: Tracked): void {
  t.watchdog.kill('SIGKILL');
  for (const g of t.pgids) killGroup(g, 'SIGKILL');
  try {
    // Best effort: a child killed mid-write can race the removal.
    if (t.dir) rmSync(t.dir, { recursive: true, force: true, maxRetries: 2 });
  } catch {
    // Leaves a stray dir under os.tmpdir(); nothing else to do during exit.
  }
  live.delete(t);
}

function installExitHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.once('exit', () => {
    for (const t of [...live]) killTrackedSync(t);
  });
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = (): void => {
      for (const t of [...live]) killTrackedSync(t);
      // Our listener suppressed the default action; if nobody else handles the
      // signal, re-raise it (now unhandled) so the process still dies.
      if (process.listenerCount(sig) === 0) process.kill(process.pid, sig);
    };
    process.once(sig, onSignal);
  }
}

/**
 * A bash process that reads process-group ids on stdin and SIGKILLs them all
 * when stdin reaches EOF, i.e. when this Node process exits for any reason.
 * Detached and ignoring signals so Ctrl-C on the terminal doesn't take it out
 * before it has done its job.
 */
function startWatchdog(): ChildProcess {
  const script = `trap '' INT TERM HUP; gs=(); while read -r g; do gs+=("-$g"); done; ((\${#gs[@]})) && kill -s KILL -- "\${gs[@]}" 2>/dev/null; exit 0`;
  const wd = spawn('bash', ['-c', script], { stdio: ['pipe', 'ignore', 'ignore'], detached: true });
  // Must not keep the event loop (and therefore jest) alive.
  wd.unref();
  (wd.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  wd.on('error', () => undefined);
  wd.stdin?.on('error', () => undefined);
  return wd;
}

// ---------------------------------------------------------------------------
// Helpers

function tail(text: string, lines: number): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

function logTail(file: string): string {
  try {
    return tail(readFileSync(file, 'utf8'), LOG_TAIL_LINES);
  } catch {
    return '(no log)';
  }
}

/** Distinct free ports: all listeners are held open together so the OS can't hand out one twice. */
async function freePorts(n: number): Promise<number[]> {
  const servers: Server[] = [];
  try {
    const ports: number[] = [];
    for (let i = 0; i < n; i++) {
      const s = createServer();
      servers.push(s);
      await new Promise<void>((res, rej) => {
        s.once('error', rej);
        s.listen(0, '127.0.0.1', () => res());
      });
      const addr = s.address();
      if (addr === null || typeof addr === 'string') throw new Error('unexpected server address');
      ports.push(addr.port);
    }
    return ports;
  } finally {
    await Promise.all(servers.map((s) => new Promise<void>((res) => s.close(() => res()))));
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function httpStatus(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve) => {
    const u = new URL(url);
    // Only the readiness probe skips verification; the cert is checked separately below.
    const req = (u.protocol === 'https:' ? httpsRequest : httpRequest)(
      u,
      { headers, rejectUnauthorized: false, timeout: 2_000 },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
    req.end();
  });
}

function spawnLogged(bin: string, args: string[], logFile: string): ChildProcess {
  const fd = openSync(logFile, 'a');
  try {
    // detached => setsid: the child leads its own process group (pgid == pid).
    return spawn(bin, args, { stdio: ['ignore', fd, fd], detached: true });
  } finally {
    closeSync(fd);
  }
}

/** SIGTERM the child's process group, SIGKILL it if it hasn't exited after 5 s. */
async function terminate(proc: ChildProcess): Promise<void> {
  const pid = proc.pid;
  if (pid === undefined || proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise<void>((res) => proc.once('exit', () => res()));
  killGroup(pid, 'SIGTERM');
  const timer = setTimeout(() => killGroup(pid, 'SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

class StartupError extends Error {
  // A plain field, not a parameter property: keeps this file loadable by
  // Node's type stripping as well as by jest's transform.
  readonly portClash: boolean;
  constructor(message: string, portClash: boolean) {
    super(message);
    this.portClash = portClash;
  }
}

async function waitFor(
  what: string,
  probe: () => Promise<boolean>,
  procs: { name: string; proc: ChildProcess; log: string }[],
  deadline: number,
): Promise<void> {
  for (;;) {
    for (const p of procs) {
      if (p.proc.exitCode !== null || p.proc.signalCode !== null) {
        const log = logTail(p.log);
        throw new StartupError(
          `${p.name} exited (${p.proc.exitCode ?? p.proc.signalCode}) while waiting for ${what}. Last log lines:\n${log}`,
          /address already in use/i.test(log),
        );
      }
    }
    if (await probe()) return;
    if (Date.now() > deadline) {
      const logs = procs.map((p) => `--- ${p.name} (${p.log}) ---\n${logTail(p.log)}`).join('\n');
      throw new StartupError(`timed out waiting for ${what}. Last log lines:\n${logs}`, false);
    }
    await sleep(100);
  }
}

/** Splits a PEM bundle into its certificates. */
function pemCerts(pem: string): X509Certificate[] {
  return (pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []).map(
    (p) => new X509Certificate(p),
  );
}

/**
 * kube-apiserver's self-signed apiserver.crt holds the serving cert followed by
 * the CA that signed it. Return the CA alone (that is what EKS hands out) after
 * checking that a client connecting to 127.0.0.1 will accept the chain.
 */
function caFromSelfSigned(pem: string): string {
  const certs = pemCerts(pem);
  const leaf = certs[0];
  const ca = certs.find((c) => c.ca) ?? leaf;
  if (!leaf || !ca) throw new Error('kube-apiserver wrote no certificate into --cert-dir');
  if (leaf.checkIP('127.0.0.1') === undefined) {
    throw new Error(`kube-apiserver serving cert has no 127.0.0.1 SAN (SANs: ${leaf.subjectAltName})`);
  }
  if (!leaf.verify(ca.publicKey)) throw new Error('kube-apiserver serving cert is not signed by the CA it wrote');
  return Buffer.from(ca.toString()).toString('base64');
}

function kubeconfigYaml(server: string, caData: string, user: string, token: string): string {
  // JSON is valid YAML and avoids quoting pitfalls.
  return JSON.stringify(
    {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'harness', cluster: { server, 'certificate-authority-data': caData } }],
      users: [{ name: user, user: { token } }],
      contexts: [{ name: user, context: { cluster: 'harness', user } }],
      'current-context': user,
    },
    null,
    2,
  );
}

// ---------------------------------------------------------------------------
// startKube

/** Starts etcd + kube-apiserver on free 127.0.0.1 ports; resolves once /readyz is ok. */
export async function startKube(opts: StartKubeOptions = {}): Promise<KubeHarness> {
  const bins = await ensureKubeBinaries();
  installExitHooks();
  // Port probing has a window between close() and the server's bind; retry on a clash.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(bins, opts);
    } catch (err) {
      if (!(err instanceof StartupError && err.portClash && attempt < 3)) throw err;
    }
  }
}

async function startOnce(bins: KubeBinaries, opts: StartKubeOptions): Promise<KubeHarness> {
  const deadline = Date.now() + (opts.startupTimeoutMs ?? 60_000);
  const keep = opts.keepTempDir ?? process.env.VPC_CNI_AUDITOR_KEEP_KUBE === '1';
  const dir = await mkdtemp(join(tmpdir(), 'vpc-cni-auditor-kube-'));
  const tracked: Tracked = { pgids: [], watchdog: startWatchdog(), dir: keep ? undefined : dir };
  live.add(tracked);
  const procs: { name: string; proc: ChildProcess; log: string }[] = [];

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopped ??= (async () => {
      // Watchdog first, so it can't fire later at pgids the OS may have reused.
      tracked.watchdog.kill('SIGKILL');
      // apiserver before etcd, so it doesn't spend its shutdown retrying etcd.
      for (const p of [...procs].reverse()) await terminate(p.proc);
      // Children that escaped into the groups (none expected) go too.
      for (const g of tracked.pgids) killGroup(g, 'SIGKILL');
      live.delete(tracked);
      if (!keep) await rm(dir, { recursive: true, force: true });
    })());

  const launch = (name: string, bin: string, args: string[]): ChildProcess => {
    const log = join(dir, `${name}.log`);
    const proc = spawnLogged(bin, args, log);
    proc.on('error', () => undefined); // surfaced through exitCode/log by waitFor
    procs.push({ name, proc, log });
    if (proc.pid) {
      tracked.pgids.push(proc.pid);
      tracked.watchdog.stdin?.write(`${proc.pid}\n`);
    }
    return proc;
  };

  try {
    const [etcdClient, etcdPeer, apiPort] = (await freePorts(3)) as [number, number, number];
    const tokens = {
      admin: randomBytes(24).toString('hex'),
      auditor: randomBytes(24).toString('hex'),
      noaccess: randomBytes(24).toString('hex'),
    };
    const users: Record<string, string> = {
      [tokens.admin]: 'admin',
      [tokens.auditor]: AUDITOR_USER,
      [tokens.noaccess]: 'noaccess',
    };

    await Promise.all([mkdir(join(dir, 'etcd'), { mode: 0o700 }), mkdir(join(dir, 'pki'))]);

    // etcd: every URL explicit, otherwise the initial cluster defaults to localhost:2380.
    const etcdUrl = `http://127.0.0.1:${etcdClient}`;
    const peerUrl = `http://127.0.0.1:${etcdPeer}`;
    launch('etcd', bins.etcd, [
      '--name=harness',
      `--data-dir=${join(dir, 'etcd')}`,
      `--listen-client-urls=${etcdUrl}`,
      `--advertise-client-urls=${etcdUrl}`,
      `--listen-peer-urls=${peerUrl}`,
      `--initial-advertise-peer-urls=${peerUrl}`,
      `--initial-cluster=harness=${peerUrl}`,
      // Throwaway data: skip fsync, which dominates write latency in tests.
      '--unsafe-no-fsync=true',
      '--log-level=warn',
    ]);

    // Meanwhile write the apiserver's inputs. ECDSA because it's instant to generate.
    // The public half gets its own file: the --service-account-key-file parser
    // reads EC private keys only in SEC1 form, public keys in SPKI.
    const sa = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    // Static tokens: token,user,uid[,"groups"]. system:masters bypasses RBAC;
    // the others only get system:authenticated, so RBAC decides for them.
    const tokenCsv = [
      `${tokens.admin},admin,uid-admin,"system:masters"`,
      `${tokens.auditor},${AUDITOR_USER},uid-${AUDITOR_USER}`,
      `${tokens.noaccess},noaccess,uid-noaccess`,
    ].join('\n');
    await Promise.all([
      writeFile(join(dir, 'sa.key'), sa.privateKey.export({ type: 'sec1', format: 'pem' }), { mode: 0o600 }),
      writeFile(join(dir, 'sa.pub'), sa.publicKey.export({ type: 'spki', format: 'pem' })),
      writeFile(join(dir, 'tokens.csv'), `${tokenCsv}\n`, { mode: 0o600 }),
    ]);

    // No wait for etcd: kube-apiserver retries until etcd answers, and its /readyz
    // covers etcd, so starting both at once saves etcd's ~1 s leader election.
    launch('kube-apiserver', bins.apiserver, [
      `--etcd-servers=${etcdUrl}`,
      '--bind-address=127.0.0.1',
      '--advertise-address=127.0.0.1',
      `--secure-port=${apiPort}`,
      // Self-signed serving cert (CA + leaf with 127.0.0.1 among its SANs) lands here.
      `--cert-dir=${join(dir, 'pki')}`,
      `--token-auth-file=${join(dir, 'tokens.csv')}`,
      '--authorization-mode=RBAC',
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      `--service-account-key-file=${join(dir, 'sa.pub')}`,
      `--service-account-signing-key-file=${join(dir, 'sa.key')}`,
      '--service-cluster-ip-range=10.0.0.0/24',
      // No controller-manager creates default service accounts, so pods would be rejected.
      '--disable-admission-plugins=ServiceAccount',
      '--allow-privileged=true',
      // A loopback address is not a valid Endpoints IP; nothing needs the kubernetes Service anyway.
      '--endpoint-reconciler-type=none',
      '--profiling=false',
      ...(opts.extraApiserverArgs ?? []),
    ]);

    const server = `https://127.0.0.1:${apiPort}`;
    // Probe as admin: anonymous /readyz access only exists once RBAC bootstrap is done.
    await waitFor(
      'kube-apiserver /readyz',
      async () => (await httpStatus(`${server}/readyz`, { authorization: `Bearer ${tokens.admin}` })) === 200,
      procs,
      deadline,
    );
    // /readyz doesn't cover the controller that creates the system namespaces;
    // pods in `default` would be refused (NamespaceLifecycle) until it has run.
    await waitFor(
      'namespace default',
      async () =>
        (await httpStatus(`${server}/api/v1/namespaces/default`, { authorization: `Bearer ${tokens.admin}` })) === 200,
      procs,
      deadline,
    );

    const caData = caFromSelfSigned(await readFile(join(dir, 'pki', 'apiserver.crt'), 'utf8'));

    const kubeconfigFor = (token: string): string => {
      const user = users[token] ?? `token-${createHash('sha256').update(token).digest('hex').slice(0, 8)}`;
      const file = join(dir, `kubeconfig-${user}.yaml`);
      writeFileSync(file, kubeconfigYaml(server, caData, user, token), { mode: 0o600 });
      return file;
    };

    return { server, caData, tokens, kubeconfigFor, stop };
  } catch (err) {
    // The error already carries the log tails, so the temp dir can go.
    await stop().catch(() => undefined);
    throw err;
  }
}
