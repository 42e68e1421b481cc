/**
 * EC2's throttle: a bucket of `capacity` tokens refilled at `refillPerSecond`; each request takes
 * one, and a request finding it empty is refused (RequestLimitExceeded). Refill is continuous
 * here; EC2 documents per-second refills, which averages to the same rate.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(readonly capacity: number, readonly refillPerSecond: number, private readonly now: () => number = () => performance.now()) {
    this.tokens = capacity;
    this.last = now();
  }

  tryTake(): boolean {
    const t = this.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((t - this.last) / 1000) * this.refillPerSecond);
    this.last = t;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

export interface BucketSpec {
  capacity: number;
  refillPerSecond: number;
}
