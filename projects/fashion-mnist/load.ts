/**
 * Fashion-MNIST from its four gzip-compressed IDX files: the same layout as MNIST (28×28 greyscale,
 * 60,000 training and 10,000 test images). `data.loadIdx` reads them, recognising gzip by its magic
 * bytes.
 */
import { join } from "node:path";
import { type Tensor, data, fromHost } from "strata-dl";

/** Debian's `dataset-fashion-mnist` package puts the files here. */
export const DEFAULT_DIR = "/usr/share/datasets/fashion-mnist";

export const CLASS_NAMES = [
  "T-shirt/top",
  "Trouser",
  "Pullover",
  "Dress",
  "Coat",
  "Sandal",
  "Shirt",
  "Sneaker",
  "Bag",
  "Ankle boot",
];

async function readIdxGz(dir: string, file: string): Promise<data.IdxArray> {
  try {
    return await data.loadIdx(join(dir, file));
  } catch (err) {
    throw new Error(
      `${(err as Error).message}; install Debian's dataset-fashion-mnist or set FASHION_MNIST_DIR to a ` +
        "folder with the four *-ubyte.gz files (see README.md)",
    );
  }
}

/** Images scaled to [0, 1] as `[N, 1, 28, 28]` float32 and labels as `[N]` int32. */
async function split(
  dir: string,
  prefix: string,
  limit: number,
): Promise<data.TensorDataset<[Tensor, Tensor]>> {
  const images = await readIdxGz(dir, `${prefix}-images-idx3-ubyte.gz`);
  const labels = await readIdxGz(dir, `${prefix}-labels-idx1-ubyte.gz`);
  data.checkIdxLabels(labels, 10, `${prefix}-labels-idx1-ubyte.gz`);
  const n = Math.min(limit, labels.dims[0]);
  const x = new Float32Array(n * 784);
  for (let i = 0; i < x.length; i++) x[i] = images.data[i] / 255;
  const y = Int32Array.from(labels.data.subarray(0, n));
  return new data.TensorDataset(fromHost(x, [n, 1, 28, 28], "float32"), fromHost(y, [n], "int32"));
}

export async function fashionMnist(options: { dir?: string; limitTrain?: number; limitTest?: number } = {}) {
  const dir = options.dir ?? process.env.FASHION_MNIST_DIR ?? DEFAULT_DIR;
  return {
    train: await split(dir, "train", options.limitTrain ?? Infinity),
    test: await split(dir, "t10k", options.limitTest ?? Infinity),
  };
}
