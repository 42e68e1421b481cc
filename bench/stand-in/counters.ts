/** Requests, refusals and body bytes per operation, as the stand-in saw them. */
export interface OpStats {
  requests: number;
  /** Answered RequestLimitExceeded / 429. */
  throttled: number;
  /** Any other non-2xx answer. */
  errors: number;
  bytesIn: number;
  bytesOut: number;
  /** Items returned (list operations). */
  items: number;
}

export interface StandInStats {
  ops: Record<string, OpStats>;
  /** Bytes on the wire (headers included), from the server's sockets. */
  wire: { bytesRead: number; bytesWritten: number; connections: number };
}

export class Counters {
  private ops = new Map<string, OpStats>();

  record(op: string, r: { status: number; throttled?: boolean; bytesIn: number; bytesOut: number; items?: number }): void {
    let s = this.ops.get(op);
    if (!s) this.ops.set(op, (s = { requests: 0, throttled: 0, errors: 0, bytesIn: 0, bytesOut: 0, items: 0 }));
    s.requests++;
    if (r.throttled) s.throttled++;
    else if (r.status >= 300) s.errors++;
    s.bytesIn += r.bytesIn;
    s.bytesOut += r.bytesOut;
    s.items += r.items ?? 0;
  }

  snapshot(): Record<string, OpStats> {
    return Object.fromEntries([...this.ops].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, { ...v }]));
  }

  reset(): void {
    this.ops.clear();
  }
}
