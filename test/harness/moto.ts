/**
 * Starts a private moto server (AWS emulator) for one test file.
 *
 * Each test file gets its own process on its own port, so jest workers never
 * share AWS state. setup-moto.sh (run by the jest globalSetup) has already
 * installed moto into <repo>/.venv.
 *
 * Known moto gaps product code must not rely on are listed in
 * shared/docs/test-infrastructure.md §1 (no pagination, InterfaceType
 * ignored, unknown filters → HTTP 500 HTML, EKS ACTIVE at once, ...).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export type MotoServer = {
  /** http://127.0.0.1:PORT */
  endpoint: string;
  /** Drops all emulated state (POST /moto-api/reset). */
  reset(): Promise<void>;
  /** Kills the server's process group and waits for it to exit. Idempotent. */
  stop(): Promise<void>;
};

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const MOTO_SERVER_BIN = path.join(REPO_ROOT, '.venv', 'bin', 'moto_server');
const VENV_PYTHON = path.join(REPO_ROOT, '.venv', 'bin', 'python');

const READY_TIMEOUT_MS = 20_000;
const MAX_PORT_ATTEMPTS = 5;

/**
 * Runs the moto_server console script inside a tiny Python wrapper whose only
 * extra job is to exit when its stdin reaches EOF. Our end of that pipe closes
 * whenever this Node process dies, including SIGKILL of a jest worker, where no
 * 'exit' handler runs. Without it a killed worker would orphan moto forever.
 */
const WATCHDOG = [
  'import os, runpy, sys, threading',
  'def _watch():',
  '    try:',
  '        sys.stdin.buffer.read()',
  '    finally:',
  '        os._exit(0)',
  'threading.Thread(target=_watch, daemon=True).start()',
  'script = sys.argv[1]',
  'sys.argv = sys.argv[1:]',
  "runpy.run_path(script, run_name='__main__')",
].join('\n');

/** Every live server, so the process 'exit' hook can kill the stragglers. */
const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    // Negative pid = the whole process group (child was spawned detached).
    process.kill(-child.pid, signal);
  } catch {
    // ESRCH: already gone.
  }
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // 'exit' handlers must be synchronous: SIGKILL is the only sure thing here.
  process.on('exit', () => {
    for (const child of live) killGroup(child, 'SIGKILL');
  });
}

/** Asks the kernel for a free port on 127.0.0.1. Racy by nature; startMoto retries. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen({ host: '127.0.0.1', port: 0, exclusive: true }, () => {
      const addr = srv.address();
      srv.close(() => {
        if (addr && typeof addr === 'object') resolve(addr.port);
        else reject(new Error('could not determine a free port'));
      });
    });
  });
}

class PortInUseError extends Error {}

type Launch = { child: ChildProcess; endpoint: string };

async function launch(port: number): Promise<Launch> {
  const child = spawn(VENV_PYTHON, ['-c', WATCHDOG, MOTO_SERVER_BIN, '-H', '127.0.0.1', '-p', String(port)], {
    cwd: REPO_ROOT,
    // Own process group, so stop() can kill anything moto forks in one go.
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe'],
    env: {
      ...process.env,
      // Don't let a developer's real AWS settings leak into moto's own boto calls.
      AWS_PROFILE: undefined,
      AWS_SESSION_TOKEN: undefined,
      AWS_ENDPOINT_URL: undefined,
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
      AWS_DEFAULT_REGION: 'us-east-1',
      PYTHONUNBUFFERED: '1',
    },
  });
  live.add(child);
  installExitHook();
  child.once('exit', () => live.delete(child));
  // The child must not keep the jest worker alive on its own; stop() ends it.
  child.unref();

  // Keep the tail of moto's output for error messages, and keep draining the
  // pipes: werkzeug logs every request to stderr and would block on a full pipe.
  let tail = '';
  let bound = false;
  const onOutput = (chunk: Buffer): void => {
    const text = chunk.toString('utf8');
    tail = (tail + text).slice(-4000);
    // werkzeug prints this only after bind() succeeded, i.e. the port is ours
    // and not some other process that happened to grab it first.
    if (!bound && tail.includes(`Running on http://127.0.0.1:${port}`)) bound = true;
  };
  for (const stream of [child.stdout, child.stderr]) {
    stream?.on('data', onOutput);
    (stream as unknown as { unref?: () => void } | null)?.unref?.();
  }
  (child.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  // EPIPE on stdin if moto dies first: harmless, it has exited anyway.
  child.stdin?.on('error', () => {});

  const endpoint = `http://127.0.0.1:${port}`;
  let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  let spawnError: Error | undefined;
  child.once('exit', (code, signal) => (exited = { code, signal }));
  child.once('error', (err) => (spawnError = err));

  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (spawnError) throw new Error(`could not start moto_server: ${spawnError.message}`);
    if (exited) {
      if (/Address already in use|EADDRINUSE/i.test(tail)) throw new PortInUseError(tail);
      throw new Error(
        `moto_server exited (code ${exited.code}, signal ${exited.signal}) before it was ready:\n${tail}`,
      );
    }
    if (bound && (await answers(endpoint))) return { child, endpoint };
    await sleep(25);
  }
  killGroup(child, 'SIGKILL');
  throw new Error(`moto_server on ${endpoint} not ready after ${READY_TIMEOUT_MS} ms:\n${tail}`);
}

async function answers(endpoint: string): Promise<boolean> {
  try {
    const res = await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(1000) });
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

export async function startMoto(): Promise<MotoServer> {
  if (!existsSync(MOTO_SERVER_BIN)) {
    throw new Error(`${MOTO_SERVER_BIN} is missing; run test/harness/setup-moto.sh (jest's globalSetup does).`);
  }
  let lastErr: unknown;
  for (let attempt = 1; attempt <= MAX_PORT_ATTEMPTS; attempt++) {
    const port = await freePort();
    let launched: Launch;
    try {
      launched = await launch(port);
    } catch (err) {
      // Someone took the port between freePort() and moto's bind(): pick another.
      if (err instanceof PortInUseError) {
        lastErr = err;
        continue;
      }
      throw err;
    }
    const { child, endpoint } = launched;
    let stopped: Promise<void> | undefined;
    return {
      endpoint,
      async reset() {
        const res = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
        await res.arrayBuffer();
        if (!res.ok) throw new Error(`moto reset failed: HTTP ${res.status}`);
      },
      stop() {
        stopped ??= (async () => {
          // SIGKILL straight away: moto's state is in memory and disposable, and
          // its SIGTERM path spends ~1.4 s in interpreter teardown per file.
          killGroup(child, 'SIGKILL');
          if (!(await waitForExit(child, 5000))) {
            throw new Error(`moto_server (pid ${child.pid}) did not exit after SIGKILL`);
          }
          live.delete(child);
        })();
        return stopped;
      },
    };
  }
  throw new Error(`moto_server: no free port after ${MAX_PORT_ATTEMPTS} attempts: ${String(lastErr)}`);
}

/** Environment for running product code (CLI/Lambda handlers) against moto. */
export function awsTestEnv(endpoint: string) {
  return {
    AWS_ENDPOINT_URL: endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    // Stops the SDK's credential chain from probing 169.254.169.254.
    AWS_EC2_METADATA_DISABLED: 'true',
  } as const;
}

export type TestClientConfig = {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  maxAttempts?: number;
};

/**
 * Config for `new EC2Client(clientConfig(endpoint))` and friends. maxAttempts is
 * left to the SDK default (3, like production); spread and override it where a
 * test needs something else.
 */
export function clientConfig(endpoint: string, region = 'us-east-1'): TestClientConfig {
  return {
    endpoint,
    region,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  };
}
