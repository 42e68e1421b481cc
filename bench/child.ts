import { spawn, type ChildProcess } from 'node:child_process';

export interface ChildOptions {
  /** CPU list for taskset (e.g. "1"): pins the process, GC threads included. */
  cpus?: string;
  nodeArgs?: string[];
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

export interface Message {
  type: string;
}

/**
 * A bench process: node running one bundled entry with `payload` as its argument, talking over
 * IPC. Each size runs in fresh processes so peak RSS and JIT state never carry over.
 */
export class Child {
  readonly proc: ChildProcess;
  private readonly waiting: Array<{ type: string; resolve: (m: Message) => void; reject: (e: Error) => void }> = [];
  private readonly queued: Message[] = [];
  private exitError: Error | null = null;

  constructor(script: string, payload: unknown, opts: ChildOptions = {}) {
    const args = [...(opts.nodeArgs ?? []), script, JSON.stringify(payload)];
    const [cmd, argv] = opts.cpus ? ['taskset', ['-c', opts.cpus, process.execPath, ...args]] : [process.execPath, args];
    this.proc = spawn(cmd, argv, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env: { ...process.env, ...opts.env } });
    this.proc.on('message', (m: Message) => {
      const i = this.waiting.findIndex((w) => w.type === m.type || m.type === 'error');
      if (i < 0) return void this.queued.push(m);
      const [w] = this.waiting.splice(i, 1);
      if (m.type === 'error') w!.reject(new Error(`${script}: ${String((m as { message?: unknown }).message)}`));
      else w!.resolve(m);
    });
    this.proc.on('exit', (code, signal) => {
      this.exitError = new Error(`${script} exited (${code ?? signal}) before answering`);
      for (const w of this.waiting.splice(0)) w.reject(this.exitError);
    });
    if (opts.timeoutMs) {
      const t = setTimeout(() => this.proc.kill('SIGKILL'), opts.timeoutMs);
      this.proc.on('exit', () => clearTimeout(t));
    }
  }

  /** The next message of `type` (or the child's error report). */
  next<T extends Message>(type: string): Promise<T> {
    const i = this.queued.findIndex((m) => m.type === type || m.type === 'error');
    if (i >= 0) {
      const [m] = this.queued.splice(i, 1);
      return m!.type === 'error' ? Promise.reject(new Error(String((m as { message?: unknown }).message))) : Promise.resolve(m as T);
    }
    if (this.exitError) return Promise.reject(this.exitError);
    return new Promise((resolve, reject) => this.waiting.push({ type, resolve: resolve as (m: Message) => void, reject }));
  }

  async request<T extends Message>(msg: Message, replyType: string): Promise<T> {
    this.proc.send(msg);
    return this.next<T>(replyType);
  }

  /** Resolves once the process has exited (kills it if asked). */
  stop(kill = false): Promise<void> {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return Promise.resolve();
    const done = new Promise<void>((resolve) => this.proc.once('exit', () => resolve()));
    if (kill) this.proc.kill('SIGTERM');
    return done;
  }
}

/** Child side: the payload, and how to answer. Errors are reported, then the process exits 1. */
export type Send = <M extends Message>(m: M) => void;

export function childMain<P>(run: (payload: P, send: Send) => Promise<void>): void {
  const send: Send = (m) => void process.send?.(m);
  const payload = JSON.parse(process.argv[2] ?? '{}') as P;
  run(payload, send).catch((err: unknown) => {
    send({ type: 'error', message: err instanceof Error ? `${err.message}\n${err.stack ?? ''}` : String(err) });
    process.exitCode = 1;
    process.disconnect?.();
  });
}
