/**
 * `trainTestSplit`: one seeded split of tensors (row by row, consistently) or of a dataset into a
 * training and a test part, by fraction or count, stratified by labels, or by explicit indices. It reads
 * like scikit-learn's `train_test_split`: `[[xTrain, yTrain], [xTest, yTest]] = trainTestSplit([x, y], ...)`.
 */

import { BackendError, ShapeError, ValueError, fmtShape } from "../base/errors.js";
import { Generator, defaultGenerator } from "../core/random.js";
import { Tensor } from "../core/tensor.js";
import { indexSelect } from "../ops/movement.js";
import { type Dataset, Subset } from "./dataset.js";

/**
 * How {@link trainTestSplit} and {@link trainTestIndices} split `n` examples.
 * @example
 * const labels = tensor([0, 0, 0, 0, 0, 1, 1, 1, 1, 1], { dtype: "int32" });
 * const options: SplitOptions = { testSize: 0.2, stratify: labels, seed: 0 };
 * const { test } = data.trainTestIndices(10, options);
 * Array.from(test, (i) => labels.toArray()[i]).sort(); // [0, 1]: one of each class
 */
export interface SplitOptions {
  /**
   * The test part: a fraction in (0, 1) of the examples (rounded up, as in scikit-learn) or a count
   * ≥ 1. Default: what `trainSize` leaves, or 0.25 when neither is given.
   */
  testSize?: number;
  /** The training part, as a fraction (rounded down) or a count. Default: every example not in the test part. */
  trainSize?: number;
  /**
   * Labels, one per example (a `[n]` tensor or an array): each class gets the same share of the test
   * part as of the whole, up to rounding. Every class needs at least 2 examples.
   */
  stratify?: Tensor | ArrayLike<number | string>;
  /** Seed of a private generator, so the split is the same whatever else drew random numbers (as `random_state`). */
  seed?: number;
  /** The generator to draw from (default: the library's, which `manualSeed` seeds). Ignored with `seed`. */
  generator?: Generator;
  /**
   * Shuffle before splitting (default true). With false the split takes no random numbers: the first
   * rows train, the last ones test (stratify needs shuffling).
   */
  shuffle?: boolean;
  /**
   * An explicit test part, by row index; the training part is `trainIndices` or, by default, every other
   * row in ascending order. No size, stratify or shuffle options go with it.
   */
  testIndices?: ArrayLike<number>;
  /** An explicit training part, by row index (only with `testIndices`). */
  trainIndices?: ArrayLike<number>;
}

/**
 * The row indices of a split, as {@link trainTestIndices} returns them.
 * @example
 * const { train, test }: SplitIndices = data.trainTestIndices(150, { testSize: 0.2, seed: 0 });
 * [train.length, test.length]; // [120, 30]
 */
export interface SplitIndices {
  train: Int32Array;
  test: Int32Array;
}

const OP = "trainTestSplit";

function describeSize(v: unknown): string {
  return typeof v === "string" ? JSON.stringify(v) : String(v);
}

/** A fraction in (0, 1) scaled by n and rounded with `round`, or a count in [1, n). */
function sizeOf(name: string, value: number, n: number, round: (x: number) => number): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    throw new ValueError(
      `${OP}: ${name} must be a fraction in (0, 1) or a count >= 1, got ${describeSize(value)}`,
    );
  }
  if (value < 1) return round(value * n);
  if (!Number.isInteger(value)) {
    throw new ValueError(`${OP}: ${name} ${value} is neither a fraction in (0, 1) nor a whole count`);
  }
  if (value >= n) {
    throw new ValueError(
      `${OP}: ${name} ${value} is not smaller than the number of examples ${n}; the other part would be empty`,
    );
  }
  return value;
}

function sizes(n: number, options: SplitOptions): [number, number] {
  const { testSize, trainSize } = options;
  if (n < 2) throw new ValueError(`${OP}: needs at least 2 examples to split, got ${n}`);
  let nTest: number;
  let nTrain: number;
  if (testSize === undefined && trainSize === undefined) {
    nTest = Math.ceil(0.25 * n);
    nTrain = n - nTest;
  } else if (trainSize === undefined) {
    nTest = sizeOf("testSize", testSize!, n, Math.ceil);
    nTrain = n - nTest;
  } else if (testSize === undefined) {
    nTrain = sizeOf("trainSize", trainSize, n, Math.floor);
    nTest = n - nTrain;
  } else {
    nTest = sizeOf("testSize", testSize, n, Math.ceil);
    nTrain = sizeOf("trainSize", trainSize, n, Math.floor);
    if (nTest + nTrain > n) {
      throw new ValueError(
        `${OP}: testSize ${testSize} (${nTest} examples) and trainSize ${trainSize} (${nTrain}) ` +
          `add up to more than the ${n} examples`,
      );
    }
  }
  // a test fraction rounds up, so only the training part can come out empty
  const what =
    `testSize ${testSize === undefined ? (trainSize === undefined ? 0.25 : "the rest") : describeSize(testSize)}, ` +
    `trainSize ${trainSize === undefined ? "the rest" : describeSize(trainSize)}`;
  if (nTrain === 0) throw new ValueError(`${OP}: the training part of ${n} examples is empty (${what})`);
  return [nTrain, nTest];
}

function checkIndices(name: string, indices: ArrayLike<number>, n: number, seen: Uint8Array): Int32Array {
  const out = new Int32Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const v = indices[i];
    if (!Number.isInteger(v) || v < 0 || v >= n) {
      throw new ValueError(`${OP}: ${name}[${i}] = ${v} is not a row index in [0, ${n})`);
    }
    if (seen[v]) throw new ValueError(`${OP}: row ${v} appears twice (in ${name} at position ${i})`);
    seen[v] = 1;
    out[i] = v;
  }
  return out;
}

function explicit(n: number, options: SplitOptions): SplitIndices {
  const extra = (["testSize", "trainSize", "stratify", "shuffle"] as const).filter(
    (k) => options[k] !== undefined,
  );
  if (extra.length > 0) {
    throw new ValueError(`${OP}: testIndices fixes the split; drop ${extra.join(", ")}`);
  }
  const seen = new Uint8Array(n);
  const test = checkIndices("testIndices", options.testIndices!, n, seen);
  let train: Int32Array;
  if (options.trainIndices !== undefined) {
    train = checkIndices("trainIndices", options.trainIndices, n, seen);
  } else {
    train = new Int32Array(n - test.length);
    let at = 0;
    for (let i = 0; i < n; i++) if (!seen[i]) train[at++] = i;
  }
  if (test.length === 0) throw new ValueError(`${OP}: testIndices is empty`);
  if (train.length === 0)
    throw new ValueError(`${OP}: the training part is empty (testIndices takes every row)`);
  return { train, test };
}

function labelsOf(stratify: Tensor | ArrayLike<number | string>, n: number): ArrayLike<number | string> {
  if (stratify instanceof Tensor) {
    if (stratify.rank !== 1) {
      throw new ShapeError(
        `${OP}: stratify must be one label per example, shape (${n}), got ${fmtShape(stratify.shape)}`,
      );
    }
    if (stratify.backend.asyncReads) {
      throw new BackendError(
        `${OP}: stratify as a tensor is read on the host, which the ${stratify.backend.name} backend cannot do ` +
          "synchronously; pass its values: `stratify: await labels.data()`",
      );
    }
    return stratify.dataSync();
  }
  return stratify;
}

/** Test places per class: proportional, the remainder to the largest fractional parts (then larger classes). */
function allocate(counts: number[], n: number, nTest: number): number[] {
  const ideal = counts.map((c) => (c * nTest) / n);
  const take = ideal.map(Math.floor);
  let rest = nTest - take.reduce((a, b) => a + b, 0);
  const order = counts
    .map((_, k) => k)
    .sort((a, b) => ideal[b] - take[b] - (ideal[a] - take[a]) || counts[b] - counts[a] || a - b);
  for (const k of order) {
    if (rest === 0) break;
    take[k]++;
    rest--;
  }
  return take;
}

function stratified(
  labels: ArrayLike<number | string>,
  n: number,
  nTrain: number,
  nTest: number,
  rng: Generator,
): SplitIndices {
  const groups = new Map<number | string, number[]>();
  for (let i = 0; i < n; i++) {
    const l = labels[i];
    if (typeof l === "number" && Number.isNaN(l)) throw new ValueError(`${OP}: stratify label ${i} is NaN`);
    let g = groups.get(l);
    if (g === undefined) groups.set(l, (g = []));
    g.push(i);
  }
  const keys = [...groups.keys()].sort((a, b) =>
    typeof a === "number" && typeof b === "number" ? a - b : String(a) < String(b) ? -1 : 1,
  );
  const single = keys.find((k) => groups.get(k)!.length < 2);
  if (single !== undefined) {
    throw new ValueError(
      `${OP}: class ${JSON.stringify(single)} has only 1 example; stratifying needs at least 2 per class ` +
        "(one for each part)",
    );
  }
  for (const [part, size] of [
    ["test", nTest],
    ["training", nTrain],
  ] as const) {
    if (size < keys.length) {
      throw new ValueError(
        `${OP}: the ${part} part (${size} examples) is smaller than the number of classes ${keys.length}, ` +
          "so it cannot hold every class",
      );
    }
  }
  const counts = keys.map((k) => groups.get(k)!.length);
  // the test part holds the rest of the training part's allocation: with trainSize too, some rows go unused
  const testTake = allocate(counts, n, nTest);
  const trainTake = allocate(
    counts.map((c, k) => c - testTake[k]),
    n - nTest,
    nTrain,
  );
  const train: number[] = [];
  const test: number[] = [];
  keys.forEach((k, j) => {
    const rows = groups.get(k)!;
    const perm = rng.permutation(rows.length);
    for (let i = 0; i < testTake[j]; i++) test.push(rows[perm[i]]);
    for (let i = testTake[j]; i < testTake[j] + trainTake[j]; i++) train.push(rows[perm[i]]);
  });
  // mix the classes, so neither part comes sorted by label
  const shuffled = (rows: number[]) => Int32Array.from(rng.permutation(rows.length), (i) => rows[i]);
  return { train: shuffled(train), test: shuffled(test) };
}

/**
 * The row indices of a split of `n` examples: what {@link trainTestSplit} uses for the same options,
 * so a split can be written down, shown or reproduced elsewhere (e.g. in scikit-learn). Random order
 * unless `shuffle: false`; see {@link SplitOptions} for the sizes.
 * @example
 * const { train, test } = data.trainTestIndices(10, { testSize: 0.3, seed: 1 });
 * data.trainTestIndices(5, { testSize: 2, shuffle: false }).test; // Int32Array [3, 4]
 * test.length; // 3
 */
export function trainTestIndices(n: number, options: SplitOptions = {}): SplitIndices {
  if (!Number.isInteger(n) || n < 0) throw new ValueError(`${OP}: n must be an integer >= 0, got ${n}`);
  if (options.testIndices !== undefined) return explicit(n, options);
  if (options.trainIndices !== undefined) throw new ValueError(`${OP}: trainIndices needs testIndices`);
  const [nTrain, nTest] = sizes(n, options);
  const shuffle = options.shuffle ?? true;
  const rng =
    options.seed !== undefined ? new Generator(options.seed) : (options.generator ?? defaultGenerator);
  if (options.stratify !== undefined) {
    if (!shuffle)
      throw new ValueError(`${OP}: stratify needs shuffle (a split by position cannot balance classes)`);
    const labels = labelsOf(options.stratify, n);
    if (labels.length !== n) {
      throw new ShapeError(`${OP}: stratify has ${labels.length} labels for ${n} examples`);
    }
    return stratified(labels, n, nTrain, nTest, rng);
  }
  if (!shuffle) {
    return {
      train: Int32Array.from({ length: nTrain }, (_, i) => i),
      test: Int32Array.from({ length: nTest }, (_, i) => n - nTest + i),
    };
  }
  const perm = rng.permutation(n);
  return { train: perm.slice(nTest, nTest + nTrain), test: perm.slice(0, nTest) };
}

function rowsOf(t: Tensor, rows: Int32Array): Tensor {
  return indexSelect(t, 0, rows);
}

/**
 * Splits data into a training and a test part, at random (seeded) or as told, like scikit-learn's
 * `train_test_split`:
 *
 * - an array of tensors that share their first axis gives `[[...train], [...test]]`, the same rows of
 *   each (copies);
 * - one tensor gives `[train, test]`;
 * - a dataset gives two `Subset`s (views), whose `indices` say which rows went where.
 *
 * By default a quarter of the rows (rounded up) is the test part and both parts are in random order;
 * `stratify` keeps the class proportions, `seed` fixes the draw, `testIndices` gives the split outright.
 * Errors (`ValueError`, `ShapeError`) name the sizes: a fraction outside (0, 1), an empty part, a
 * stratified class with one example, tensors with different numbers of rows.
 * @example
 * const x = randn([50, 4]), y = tensor(Array.from({ length: 50 }, (_, i) => i % 2), { dtype: "int32" });
 * const [[xTrain, yTrain], [xTest, yTest]] = data.trainTestSplit([x, y], { testSize: 0.2, stratify: y, seed: 0 });
 * [xTrain.shape, xTest.shape]; // [[40, 4], [10, 4]]
 * yTest.sum().item(); // 5: half of the test rows are class 1, as in the whole
 * const dataset = new data.TensorDataset(randn([1000, 4]));
 * const [trainSet, testSet] = data.trainTestSplit(dataset, { testSize: 100, seed: 0 });
 * testSet.length; // 100
 */
export function trainTestSplit<T extends Tensor[]>(tensors: [...T], options?: SplitOptions): [T, T];
export function trainTestSplit(tensor: Tensor, options?: SplitOptions): [Tensor, Tensor];
export function trainTestSplit<T>(dataset: Dataset<T>, options?: SplitOptions): [Subset<T>, Subset<T>];
export function trainTestSplit(
  data: Tensor | Tensor[] | Dataset<unknown>,
  options: SplitOptions = {},
): [unknown, unknown] {
  if (data instanceof Tensor) {
    const [[train], [test]] = trainTestSplit([data], options);
    return [train, test];
  }
  if (Array.isArray(data)) {
    if (data.length === 0) throw new ValueError(`${OP}: needs at least one tensor`);
    const bad = data.findIndex((t) => !(t instanceof Tensor) || t.rank === 0);
    if (bad >= 0) {
      throw new ShapeError(
        `${OP}: item ${bad} is not a tensor with a first (example) axis; pass [x, y] tensors or a dataset`,
      );
    }
    const n = data[0].shape[0];
    if (data.some((t) => t.shape[0] !== n)) {
      throw new ShapeError(
        `${OP}: tensors must have the same number of rows, got shapes ${data.map((t) => fmtShape(t.shape)).join(", ")}`,
      );
    }
    const { train, test } = trainTestIndices(n, options);
    return [data.map((t) => rowsOf(t, train)), data.map((t) => rowsOf(t, test))];
  }
  const { train, test } = trainTestIndices(data.length, options);
  return [new Subset(data, train), new Subset(data, test)];
}
