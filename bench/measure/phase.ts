import { Worker } from 'node:worker_threads';

export interface Timing {
  wallMs: number;
  /** User + system CPU of the whole process (GC helper threads included). */
  cpuMs: number;
  userMs: number;
  systemMs: number;
}

/** Wall clock (performance.now) and CPU (process.cpuUsage) around one phase. */
export async function timed<T>(fn: () => T | Promise<T>): Promise<{ value: T; timing: Timing }> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const value = await fn();
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { value, timing: { wallMs, cpuMs: (cpu.user + cpu.system) / 1000, userMs: cpu.user / 1000, systemMs: cpu.system / 1000 } };
}

const SAMPLER = `
const { parentPort } = require('node:worker_threads');
let peak = process.memoryUsage.rss();
setInterval(() => { const r = process.memoryUsage.rss(); if (r > peak) peak = r; }, 2).unref();
parentPort.on('message', (m) => {
  if (m === 'reset') peak = process.memoryUsage.rss();
  else parentPort.postMessage(Math.max(peak, process.memoryUsage.rss()));
});
`;

/**
 * Peak resident memory of a phase. A worker thread samples the process's RSS every 2 ms, so it
 * keeps sampling while the main thread is busy in synchronous code (the checks), where a timer on
 * the main thread would never fire.
 */
export class RssSampler {
  private readonly worker = new Worker(SAMPLER, { eval: true });

  reset(): Promise<void> {
    this.worker.postMessage('reset');
    // The reset is processed before the next read: messages are ordered.
    return Promise.resolve();
  }

  peakMb(): Promise<number> {
    return new Promise((resolve) => {
      this.worker.once('message', (bytes: number) => resolve(mb(bytes)));
      this.worker.postMessage('read');
    });
  }

  close(): Promise<number> {
    return this.worker.terminate();
  }
}

export const mb = (bytes: number): number => Math.round((bytes / 1048576) * 10) / 10;
export const rssMb = (): number => mb(process.memoryUsage.rss());
/** The kernel's high-water mark for this process (resourceUsage reports KiB). */
export const maxRssMb = (): number => Math.round((process.resourceUsage().maxRSS / 1024) * 10) / 10;
export const heapUsedMb = (): number => mb(process.memoryUsage().heapUsed);
