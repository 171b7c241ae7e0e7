import { ValueError } from "../base/errors.js";

/**
 * One seeded generator for the whole library (`manualSeed`), so a training run is reproducible.
 * Values are drawn on the host and uploaded, which keeps them identical on every backend.
 * The core is xoshiro128**: fast on 32-bit integer math and statistically sound for ML use.
 * @example
 * const g = new Generator(42); // a stream of its own, apart from manualSeed's
 * const noise = randn([2, 3], { generator: g });
 * g.int(0, 10); // 9
 * Array.from(new Generator(1).permutation(4)); // [1, 0, 3, 2]
 */
export class Generator {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  private spareNormal: number | null = null;

  constructor(seed = Date.now()) {
    this.seed(seed);
  }

  /** Resets the state from a 32-bit-or-larger integer seed (splitmix32 expands it to 128 bits). */
  seed(seed: number): void {
    let x = (seed >>> 0) ^ Math.floor(seed / 4294967296);
    const next = () => {
      x = (x + 0x9e3779b9) | 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
    this.spareNormal = null;
  }

  /** A uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform in [0, 1) with 53 bits of precision. */
  uniform(): number {
    const hi = this.nextUint32() >>> 5;
    const lo = this.nextUint32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Standard normal by the Box–Muller transform (pairs are cached). */
  normal(): number {
    if (this.spareNormal !== null) {
      const v = this.spareNormal;
      this.spareNormal = null;
      return v;
    }
    let u = 0;
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Uniform integer in [low, high). */
  int(low: number, high: number): number {
    return low + Math.floor(this.uniform() * (high - low));
  }

  /** Fisher–Yates permutation of 0..n-1. */
  permutation(n: number): Int32Array {
    if (!(Number.isInteger(n) && n >= 0)) {
      throw new ValueError(`permutation: n must be a non-negative integer, got ${n}`);
    }
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(this.uniform() * (i + 1));
      const t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/**
 * The library-wide generator used when no generator is passed.
 * @example
 * defaultGenerator.seed(7); // what manualSeed(7) does
 * const u = defaultGenerator.uniform(); // in [0, 1)
 * u >= 0 && u < 1; // true
 */
export const defaultGenerator = new Generator(0x5eed);

/**
 * Seeds the library-wide generator: the same seed gives the same weights, shuffles and dropout masks.
 * @example
 * manualSeed(42);
 * const a = randn([3]);
 * manualSeed(42);
 * const b = randn([3]);
 * a.eq(b).all().toArray(); // true
 */
export function manualSeed(seed: number): void {
  defaultGenerator.seed(seed);
}
