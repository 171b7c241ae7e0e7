/**
 * The DataLoader: batches of a dataset, optionally shuffled anew each epoch by the seeded generator.
 */

import { ValueError } from "../base/errors.js";
import { tidyOwned } from "../core/memory.js";
import { type Generator as RandomGenerator, defaultGenerator } from "../core/random.js";
import { Tensor } from "../core/tensor.js";
import { fromHost } from "../ops/creation.js";
import { stack } from "../ops/movement.js";
import type { Collated, Dataset } from "./dataset.js";

/**
 * Options of a {@link DataLoader}.
 * @example
 * const options: DataLoaderOptions<Tensor[], Tensor[]> = { batchSize: 32, shuffle: true, dropLast: true };
 * new data.DataLoader(train, options).length; // 2: 64 rows, no smaller last batch
 */
export interface DataLoaderOptions<T, B> {
  /** Items per batch (default 1). */
  batchSize?: number;
  /** Visit the items in a new random order each epoch (default false). */
  shuffle?: boolean;
  /** Drop the last batch when it is smaller than `batchSize` (default false). */
  dropLast?: boolean;
  /** Source of the shuffling order (default: the library generator, seeded by `manualSeed`). */
  generator?: RandomGenerator;
  /**
   * Turns a list of items into a batch. Default: {@link defaultCollate}, or the dataset's own
   * `getBatch` when it has one (as `TensorDataset` does).
   */
  collate?: (items: T[]) => B;
}

function describe(v: unknown): string {
  if (v instanceof Tensor) return "a Tensor";
  if (Array.isArray(v)) return "an array";
  if (v === null) return "null";
  return typeof v === "object" ? (v.constructor?.name ?? "an object") : typeof v;
}

/**
 * The default way to batch items: tensors are stacked along a new first axis (they must share a
 * shape); numbers become one tensor, int32 when every number in the batch is an integer and float32
 * otherwise; booleans become a bool tensor; arrays/tuples and plain objects are batched field by field.
 * @example
 * const [x, y] = data.defaultCollate([[tensor([1, 2]), 0], [tensor([3, 4]), 1]]);
 * x.toArray(); // [[1, 2], [3, 4]]
 * y.dtype; // "int32"
 */
export function defaultCollate<T>(items: readonly T[]): Collated<T> {
  return collate(items, "") as Collated<T>;
}

function collate(items: readonly unknown[], path: string): unknown {
  const where = path ? ` at ${path}` : "";
  if (items.length === 0) throw new ValueError("defaultCollate: cannot collate an empty batch");
  const first = items[0];
  const mismatch = items.find((v) => describe(v) !== describe(first));
  if (mismatch !== undefined) {
    throw new ValueError(
      `defaultCollate: items differ in kind${where}: ${describe(first)} and ${describe(mismatch)}`,
    );
  }
  if (first instanceof Tensor) return stack(items as Tensor[]);
  if (typeof first === "number") {
    const values = items as number[];
    return fromHost(values, [values.length], values.every(Number.isInteger) ? "int32" : "float32");
  }
  if (typeof first === "boolean")
    return fromHost(items as boolean[] as unknown as number[], [items.length], "bool");
  if (Array.isArray(first)) {
    const arrays = items as unknown[][];
    const bad = arrays.find((a) => a.length !== first.length);
    if (bad) {
      throw new ValueError(
        `defaultCollate: items${where} are arrays of different lengths (${first.length} and ${bad.length})`,
      );
    }
    return first.map((_, j) =>
      collate(
        arrays.map((a) => a[j]),
        `${path}[${j}]`,
      ),
    );
  }
  if (typeof first === "object" && first !== null && Object.getPrototypeOf(first) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(first)) {
      out[key] = collate(
        items.map((o) => (o as Record<string, unknown>)[key]),
        path ? `${path}.${key}` : key,
      );
    }
    return out;
  }
  throw new ValueError(
    `defaultCollate: cannot batch ${describe(first)}${where}; return tensors, numbers, booleans or arrays ` +
      "of them from the dataset, or pass { collate } to the DataLoader",
  );
}

/**
 * Iterates over a dataset in batches, with `for await` (as the training loop does) or plain `for`.
 * Each iteration is one epoch; with `shuffle` each epoch draws a new permutation from the generator,
 * so `manualSeed(s)` makes the whole sequence of epochs reproducible. A `TensorDataset` batch is
 * gathered in one `indexSelect` per tensor.
 * @example
 * const train = new data.TensorDataset(randn([100, 1, 28, 28]), randint(0, 10, [100]));
 * const loader = new data.DataLoader(train, { batchSize: 32, shuffle: true });
 * for await (const [x, y] of loader) {
 *   // x: [32, 1, 28, 28] float32, y: [32] int32 (the last batch is smaller: 4)
 * }
 * loader.length; // 4: batches per epoch
 */
export class DataLoader<T, B = Collated<T>> implements Iterable<B>, AsyncIterable<B> {
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  private readonly generator: RandomGenerator | undefined;
  private readonly collateFn: ((items: T[]) => B) | undefined;

  constructor(
    readonly dataset: Dataset<T>,
    options: DataLoaderOptions<T, B> = {},
  ) {
    const batchSize = options.batchSize ?? 1;
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new ValueError(`DataLoader: batchSize must be a positive integer, got ${batchSize}`);
    }
    this.batchSize = batchSize;
    this.shuffle = options.shuffle ?? false;
    this.dropLast = options.dropLast ?? false;
    this.generator = options.generator;
    this.collateFn = options.collate;
  }

  /** Batches per epoch. */
  get length(): number {
    const n = this.dataset.length;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  /** The item order of one epoch: a fresh permutation when shuffling, else 0, 1, 2, ... */
  private order(): Int32Array {
    const n = this.dataset.length;
    if (this.shuffle) return (this.generator ?? defaultGenerator).permutation(n);
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    return order;
  }

  private batch(indices: Int32Array): B {
    if (!this.collateFn && this.dataset.getBatch) return this.dataset.getBatch(indices) as B;
    const items = Array.from(indices, (i) => this.dataset.get(i));
    return this.collateFn ? this.collateFn(items) : (defaultCollate(items) as B);
  }

  /** One epoch of batches. The shuffle order is drawn when iteration starts. */
  [Symbol.iterator](): IterableIterator<B> {
    return this.epoch(this.order());
  }

  /** One epoch of batches, for `for await` (the same batches as the sync iterator). */
  [Symbol.asyncIterator](): AsyncIterableIterator<B> {
    const sync = this.epoch(this.order());
    return (async function* () {
      yield* sync;
    })();
  }

  /**
   * A batch that the loop computed with is released when the next one is produced, so a loop over
   * the loader stays flat with no memory code. Only tensors the loader made are released (never the
   * dataset's), and a batch nothing has computed with yet (collected with `[...loader]`) is left alone.
   */
  private *epoch(order: Int32Array): IterableIterator<B> {
    const n = order.length;
    const count = this.length;
    let previous: Tensor[] = [];
    for (let b = 0; b < count; b++) {
      const start = b * this.batchSize;
      const indices = order.subarray(start, Math.min(start + this.batchSize, n));
      if (previous.some((t) => t._ref.used)) for (const t of previous) t._release("loader");
      const [batch, made] = tidyOwned(() => this.batch(indices));
      previous = made as Tensor[];
      yield batch;
    }
  }
}
