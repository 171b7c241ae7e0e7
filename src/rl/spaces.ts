import { ArgumentError, ValueError } from "../base/errors.js";
import type { Generator } from "../core/random.js";

/**
 * What an environment accepts as actions or gives as observations (Gymnasium's `spaces`).
 * @example
 * const s: Space = new rl.Discrete(2);
 * s.contains(1); // true
 */
export interface Space<T> {
  /** Shape of one element ([] for a discrete action). */
  readonly shape: readonly number[];
  /** Whether `x` is an element of the space. */
  contains(x: unknown): x is T;
  /** One element drawn uniformly (Box: uniform where bounded, normal where unbounded). */
  sample(generator: Generator): T;
  /** A short description, as in error messages: `Discrete(2)`. */
  toString(): string;
}

/**
 * The integers 0, 1, ..., n − 1: the actions of CartPole, MountainCar, Acrobot and Catch.
 * @example
 * const actions = new rl.Discrete(3);
 * actions.contains(2); // true
 * actions.contains(3); // false
 * actions.sample(new Generator(0)) < 3; // true
 * String(actions); // "Discrete(3)"
 */
export class Discrete implements Space<number> {
  readonly shape: readonly number[] = [];
  constructor(readonly n: number) {
    if (!Number.isInteger(n) || n < 1)
      throw new ValueError(`Discrete: n must be a positive integer, got ${n}`);
  }
  contains(x: unknown): x is number {
    return typeof x === "number" && Number.isInteger(x) && x >= 0 && x < this.n;
  }
  sample(generator: Generator): number {
    return generator.int(0, this.n);
  }
  toString(): string {
    return `Discrete(${this.n})`;
  }
}

/**
 * A box of real vectors, `low ≤ x ≤ high` elementwise (bounds may be ±Infinity). Elements are
 * Float32Arrays of `shape`'s size, in row-major order.
 * @example
 * const box = new rl.Box(-1, 1, [2]);
 * box.contains(new Float32Array([0.5, -1])); // true
 * box.contains(new Float32Array([2, 0])); // false
 * box.sample(new Generator(0)).length; // 2
 */
export class Box implements Space<Float32Array> {
  readonly shape: readonly number[];
  readonly low: Float64Array;
  readonly high: Float64Array;
  readonly size: number;
  constructor(low: number | ArrayLike<number>, high: number | ArrayLike<number>, shape?: readonly number[]) {
    const inferred =
      typeof low === "number" ? (typeof high === "number" ? undefined : high.length) : low.length;
    if (shape === undefined) {
      if (inferred === undefined)
        throw new ArgumentError("Box: give a shape when both bounds are numbers, e.g. new Box(0, 1, [3])");
      shape = [inferred];
    }
    this.shape = [...shape];
    this.size = shape.reduce((a, b) => a * b, 1);
    const fill = (v: number | ArrayLike<number>, which: string): Float64Array => {
      if (typeof v === "number") return new Float64Array(this.size).fill(v);
      if (v.length !== this.size)
        throw new ValueError(`Box: ${which} has ${v.length} values, the shape [${shape}] holds ${this.size}`);
      return Float64Array.from(v);
    };
    this.low = fill(low, "low");
    this.high = fill(high, "high");
    for (let i = 0; i < this.size; i++)
      if (!(this.low[i] <= this.high[i]))
        throw new ValueError(`Box: low[${i}] = ${this.low[i]} is above high[${i}] = ${this.high[i]}`);
  }
  contains(x: unknown): x is Float32Array {
    if (!(x instanceof Float32Array) && !Array.isArray(x)) return false;
    const a = x as ArrayLike<number>;
    if (a.length !== this.size) return false;
    for (let i = 0; i < this.size; i++) if (!(a[i] >= this.low[i] && a[i] <= this.high[i])) return false;
    return true;
  }
  sample(generator: Generator): Float32Array {
    const out = new Float32Array(this.size);
    for (let i = 0; i < this.size; i++) {
      const lo = this.low[i];
      const hi = this.high[i];
      if (Number.isFinite(lo) && Number.isFinite(hi)) out[i] = lo + (hi - lo) * generator.uniform();
      else if (Number.isFinite(lo)) out[i] = lo - Math.log(1 - generator.uniform());
      else if (Number.isFinite(hi)) out[i] = hi + Math.log(1 - generator.uniform());
      else out[i] = generator.normal();
    }
    return out;
  }
  toString(): string {
    const same = (a: Float64Array) => a.every((v) => v === a[0]);
    const show = (a: Float64Array) =>
      same(a) ? String(a[0]) : `[${Array.from(a, (v) => +v.toFixed(4)).join(", ")}]`;
    return `Box(${show(this.low)}, ${show(this.high)}, [${this.shape.join(", ")}])`;
  }
}
