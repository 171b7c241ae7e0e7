/**
 * Datasets: anything with a `length` and a `get(i)`. `TensorDataset` wraps tensors whose first axis
 * indexes examples and can hand a whole batch over in one gather per tensor (`getBatch`), which is what
 * the `DataLoader` uses when it can.
 */

import { checkTensor } from "../core/args.js";
import { ShapeError, ValueError, fmtShape } from "../base/errors.js";
import { keep, tidy } from "../core/memory.js";
import { type Generator as RandomGenerator, defaultGenerator } from "../core/random.js";
import type { Tensor } from "../core/tensor.js";
import { fromHost } from "../ops/creation.js";
import { expand, gather, reshape, select } from "../ops/movement.js";

/**
 * What a batch of items of type `T` becomes under the default collate: tensors, numbers and booleans
 * become one tensor with a leading batch axis; arrays, tuples and plain objects are collated field by
 * field (so `[Tensor, number]` items give a `[Tensor, Tensor]` batch).
 * @example
 * type Batch = Collated<{ image: Tensor; label: number }>; // { image: Tensor; label: Tensor }
 * const items = [{ image: zeros([2, 2]), label: 3 }, { image: ones([2, 2]), label: 5 }];
 * const batch: Batch = data.defaultCollate(items);
 * batch.label.toArray(); // [3, 5]
 */
export type Collated<T> = T extends Tensor | number | boolean
  ? Tensor
  : T extends readonly unknown[]
    ? { -readonly [K in keyof T]: Collated<T[K]> }
    : T extends object
      ? { [K in keyof T]: Collated<T[K]> }
      : never;

/**
 * A collection of examples indexed `0 .. length - 1`. Implement `getBatch` as well when a whole batch
 * can be gathered faster than item by item; the `DataLoader` then uses it instead of collating.
 * @example
 * const squares: Dataset<[Tensor, number]> = {
 *   length: 100,
 *   get: (i) => [scalar(i), i * i],
 * };
 * for (const [x, y] of new data.DataLoader(squares, { batchSize: 10 })) console.log(x.shape, y.shape); // [10] [10]
 * squares.get(3)[1]; // 9
 */
export interface Dataset<T> {
  readonly length: number;
  get(index: number): T;
  /** The collated batch of the items at `indices` (optional fast path). */
  getBatch?(indices: Int32Array): Collated<T>;
}

function checkIndex(where: string, index: number, length: number): void {
  if (!Number.isInteger(index) || index < 0 || index >= length) {
    throw new ValueError(`${where}: index ${index} is out of range for a dataset of length ${length}`);
  }
}

/**
 * Tensors that share their first axis, one example per row: `get(i)` gives the i-th row of each
 * (views, no copy) and `getBatch(indices)` gathers whole batches with one `indexSelect` per tensor.
 * The element type follows the constructor's arguments, so `new TensorDataset(x, y)` is a
 * `Dataset<[Tensor, Tensor]>`. The tensors are kept out of `tidy` scopes, since a dataset outlives
 * the steps that read it.
 * @example
 * const ds = new TensorDataset(randn([100, 3]), randint(0, 2, [100]));
 * const [x, y] = ds.get(0); // shapes [3] and []
 * const [xb, yb] = ds.getBatch(new Int32Array([4, 2])); // shapes [2, 3] and [2]
 * xb.shape; // [2, 3]
 * ds.length; // 100
 */
export class TensorDataset<T extends Tensor[] = Tensor[]> implements Dataset<T> {
  readonly tensors: T;

  constructor(...tensors: T) {
    if (tensors.length === 0) throw new ValueError("TensorDataset: needs at least one tensor");
    for (const [i, t] of tensors.entries()) checkTensor("TensorDataset", `tensors[${i}]`, t);
    const shapes = () => tensors.map((t) => fmtShape(t.shape)).join(", ");
    if (tensors.some((t) => t.rank === 0)) {
      throw new ShapeError(
        `TensorDataset: every tensor needs a first (example) axis, got a 0-d tensor among shapes ${shapes()}`,
      );
    }
    const n = tensors[0].shape[0];
    if (tensors.some((t) => t.shape[0] !== n)) {
      throw new ShapeError(
        `TensorDataset: tensors must have the same size along the first axis, got shapes ${shapes()}`,
      );
    }
    for (const t of tensors) keep(t);
    this.tensors = tensors;
  }

  get length(): number {
    return this.tensors[0].shape[0];
  }

  /** The `index`-th row of every tensor (views that share memory with the dataset). */
  get(index: number): T {
    checkIndex("TensorDataset.get", index, this.length);
    return this.tensors.map((t) => select(t, 0, index)) as T;
  }

  /** The rows at `indices` of every tensor, each gathered in one `indexSelect` (new tensors). */
  getBatch(indices: Int32Array): Collated<T> {
    const n = this.length;
    for (let i = 0; i < indices.length; i++) checkIndex("TensorDataset.getBatch", indices[i], n);
    const gatherAll = () => {
      const idx = fromHost(indices, [indices.length], "int32");
      // indexSelect's gather of a broadcast index, without its device check on webgpu (checked above)
      return this.tensors.map((t) => {
        const rows = [indices.length, ...t.shape.slice(1)];
        const lifted = reshape(
          idx,
          rows.map((d, i) => (i === 0 ? d : 1)),
        );
        return gather(t, 0, expand(lifted, rows));
      });
    };
    // tidy frees the index tensor and its views at once, unless autograd must keep them for backward
    const out = this.tensors.some((t) => t.requiresGrad) ? gatherAll() : tidy(gatherAll);
    return out as Collated<T>;
  }
}

/**
 * The items of `dataset` at `indices`, in that order (a view: nothing is copied).
 * @example
 * const firstTen = new data.Subset(train, Array.from({ length: 10 }, (_, i) => i));
 * firstTen.length; // 10
 * new data.Subset(train, [5, 1]).get(0)[1].item() === train.get(5)[1].item(); // true
 */
export class Subset<T> implements Dataset<T> {
  readonly indices: Int32Array;
  /** Present when the underlying dataset has a batch fast path. */
  readonly getBatch?: (indices: Int32Array) => Collated<T>;

  constructor(
    readonly dataset: Dataset<T>,
    indices: ArrayLike<number>,
  ) {
    this.indices = Int32Array.from(indices);
    for (let i = 0; i < indices.length; i++) {
      if (this.indices[i] !== indices[i]) {
        throw new ValueError(`Subset: index ${indices[i]} at position ${i} is not a 32-bit integer`);
      }
      checkIndex("Subset", this.indices[i], dataset.length);
    }
    const base = dataset.getBatch;
    if (base) {
      this.getBatch = (batch: Int32Array) => {
        const mapped = new Int32Array(batch.length);
        for (let i = 0; i < batch.length; i++) {
          checkIndex("Subset.getBatch", batch[i], this.indices.length);
          mapped[i] = this.indices[batch[i]];
        }
        return base.call(dataset, mapped);
      };
    }
  }

  get length(): number {
    return this.indices.length;
  }

  get(index: number): T {
    checkIndex("Subset.get", index, this.indices.length);
    return this.dataset.get(this.indices[index]);
  }
}

/**
 * Splits a dataset at random into non-overlapping subsets of the given sizes: counts that add up to
 * the dataset's length, or fractions that add up to 1 (each gets `floor(fraction · n)` items, and the
 * remainder is dealt out one at a time from the first subset on, as in PyTorch). Uses the library
 * generator (`manualSeed`) unless one is passed.
 * @example
 * const [trainSet, valSet] = data.randomSplit(train, [0.9, 0.1]);
 * [trainSet.length, valSet.length]; // [58, 6]: 57.6 and 6.4, the remainder dealt from the first
 * const ds = new data.TensorDataset(arange(100));
 * const [a, b] = data.randomSplit(ds, [80, 20], new Generator(42));
 * b.length; // 20
 */
export function randomSplit<T>(
  dataset: Dataset<T>,
  lengths: readonly number[],
  generator: RandomGenerator = defaultGenerator,
): Subset<T>[] {
  const n = dataset.length;
  if (lengths.length === 0) throw new ValueError("randomSplit: needs at least one length");
  if (lengths.some((l) => !(l >= 0) || !Number.isFinite(l))) {
    throw new ValueError(`randomSplit: lengths must be non-negative numbers, got [${lengths.join(", ")}]`);
  }
  let sizes: number[];
  const total = lengths.reduce((a, b) => a + b, 0);
  // a sum of 1 means fractions (as counts it could only be a dataset of one item: the same split)
  if (Math.abs(total - 1) < 1e-6 && total <= 1 + 1e-6) {
    sizes = lengths.map((f) => Math.floor(f * n));
    let rest = n - sizes.reduce((a, b) => a + b, 0);
    for (let i = 0; rest > 0; i = (i + 1) % sizes.length, rest--) sizes[i]++;
  } else {
    if (!lengths.every(Number.isInteger) || total !== n) {
      throw new ValueError(
        `randomSplit: lengths [${lengths.join(", ")}] must be integers that sum to the dataset's length ` +
          `${n} (sum ${total}), or fractions that sum to 1`,
      );
    }
    sizes = [...lengths];
  }
  const perm = generator.permutation(n);
  const out: Subset<T>[] = [];
  let at = 0;
  for (const size of sizes) {
    out.push(new Subset(dataset, perm.subarray(at, at + size)));
    at += size;
  }
  return out;
}
