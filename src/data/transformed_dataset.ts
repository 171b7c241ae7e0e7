/**
 * Transform pipelines: `Compose` chains transforms (the augmentations of augment.ts, or plain functions)
 * and `TransformedDataset` applies them to every example and batch a DataLoader or `fit` reads.
 */

import type { Tensor } from "../core/tensor.js";
import { stack } from "../ops/movement.js";
import type { Collated, Dataset } from "./dataset.js";

/**
 * Something that maps a batch of images to another: a transform object (`apply`) or a plain function.
 * @example
 * const invert: TransformLike = (x) => x.neg().add(1);
 * new data.Compose([invert, new data.RandomHorizontalFlip()]).apply(rand([2, 1, 4, 4])).shape; // [2, 1, 4, 4]
 */
export type TransformLike = { apply(x: Tensor): Tensor } | ((x: Tensor) => Tensor);

function run(t: TransformLike, x: Tensor): Tensor {
  return typeof t === "function" ? t(x) : t.apply(x);
}

/**
 * Chains transforms, applied in order (torchvision's `Compose`, Keras' `Sequential` of preprocessing
 * layers). Plain functions `(x) => x` may stand among them.
 * @example
 * const augment = new data.Compose([
 *   new data.RandomCrop(28, { padding: 2 }),
 *   new data.RandomHorizontalFlip(),
 *   new data.Normalize([0.1307], [0.3081]),
 * ]);
 * augment.apply(rand([16, 1, 28, 28])).shape; // [16, 1, 28, 28]
 */
export class Compose {
  readonly transforms: readonly TransformLike[];

  constructor(transforms: readonly TransformLike[]) {
    this.transforms = [...transforms];
  }

  apply(x: Tensor): Tensor {
    return this.transforms.reduce((y, t) => run(t, y), x);
  }
}

/**
 * Options of {@link TransformedDataset}.
 * @example
 * const options: TransformedDatasetOptions = { transform: new data.RandomHorizontalFlip() };
 * new data.TransformedDataset(train, options).length; // 64
 */
export interface TransformedDatasetOptions {
  /** Applied to the inputs (the first element of each example) of every item and batch. */
  transform?: TransformLike;
  /** Applied to the targets (the second element). */
  targetTransform?: TransformLike;
}

/**
 * A dataset of `[input, target]` pairs whose inputs (and optionally targets) are transformed anew each
 * time they are read, as torchvision datasets' `transform` argument: with random augmentations, every
 * epoch of a DataLoader or `fit` sees different versions of the images. Whole batches are transformed
 * at once when the source can gather them (`getBatch`, as `TensorDataset` does).
 * @example
 * const images = new data.TensorDataset(rand([100, 1, 28, 28]), randint(0, 10, [100]));
 * const augmented = new data.TransformedDataset(images, {
 *   transform: new data.Compose([new data.RandomCrop(28, { padding: 2 }), new data.RandomRotation(10)]),
 * });
 * for (const [x, y] of new data.DataLoader(augmented, { batchSize: 32, shuffle: true })) {
 *   // x: [32, 1, 28, 28], shifted and rotated differently each epoch
 * }
 * augmented.get(0)[0].shape; // [1, 28, 28]
 */
export class TransformedDataset implements Dataset<[Tensor, Tensor]> {
  constructor(
    readonly source: Dataset<[Tensor, Tensor]>,
    readonly options: TransformedDatasetOptions = {},
  ) {}

  get length(): number {
    return this.source.length;
  }

  get(index: number): [Tensor, Tensor] {
    return this.map(this.source.get(index));
  }

  getBatch(indices: Int32Array): Collated<[Tensor, Tensor]> {
    if (this.source.getBatch) return this.map(this.source.getBatch(indices) as [Tensor, Tensor]);
    // no batch path in the source: transform the stacked items, as a DataLoader would have stacked them
    const items = Array.from(indices, (i) => this.source.get(i));
    return this.map([stack(items.map((it) => it[0])), stack(items.map((it) => it[1]))]);
  }

  private map([x, y]: [Tensor, Tensor]): [Tensor, Tensor] {
    const { transform, targetTransform } = this.options;
    return [transform ? run(transform, x) : x, targetTransform ? run(targetTransform, y) : y];
  }
}
