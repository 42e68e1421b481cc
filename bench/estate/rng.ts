/** mulberry32: a tiny seeded PRNG, so the same seed always builds the same estate. */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(maxExclusive: number): number {
    return Math.floor(this.next() * maxExclusive);
  }

  pick<T>(items: readonly T[]): T {
    const v = items[this.int(items.length)];
    if (v === undefined) throw new RangeError('pick from an empty list');
    return v;
  }

  /** `digits` lowercase hex digits, as in EC2 ids (`eni-0` + 16 hex). */
  hex(digits: number): string {
    let out = '';
    while (out.length < digits) out += Math.floor(this.next() * 0x10000).toString(16).padStart(4, '0');
    return out.slice(0, digits);
  }
}
