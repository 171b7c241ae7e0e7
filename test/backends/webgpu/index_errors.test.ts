import { afterAll, describe, expect, it } from "vitest";
import { getBackend, registerAsyncBackend, setBackend } from "../../../src/backends/registry.js";
import { IndexError } from "../../../src/base/errors.js";
import type { Tensor } from "../../../src/core/tensor.js";
import { TensorDataset } from "../../../src/data/dataset.js";
import { Embedding } from "../../../src/nn/layers/embedding.js";
import { Linear } from "../../../src/nn/layers/linear.js";
import { Sequential } from "../../../src/nn/sequential.js";
import { fromHost } from "../../../src/ops/creation.js";
import { embedding } from "../../../src/ops/embedding.js";
import { crossEntropy, nllLoss } from "../../../src/ops/losses.js";
import { gather, indexSelect, scatterAdd } from "../../../src/ops/movement.js";
import { oneHot } from "../../../src/ops/one_hot.js";
import { SGD } from "../../../src/optim/sgd.js";
import { closeF32, webgpuOrSkip } from "../../helpers/webgpu.js";

/**
 * Out-of-range indices on webgpu (issue #12): the kernels check every index on the device and the
 * next read throws an IndexError naming the op; the read after it works (the flag is cleared), and
 * in-range results are those of the reference backend.
 */
const gpu = await webgpuOrSkip("webgpu index errors");
if (gpu) registerAsyncBackend("webgpu-index", async () => gpu);
const previous = getBackend().name;
afterAll(() => {
  setBackend(previous);
});

const ints = (values: number[], shape = [values.length]) => fromHost(Int32Array.from(values), shape, "int32");
const floats = (values: number[], shape: number[]) => fromHost(Float32Array.from(values), shape, "float32");

/** The values of `make()` on the reference backend, as a plain array. */
async function onRef(make: () => Tensor): Promise<number[]> {
  const was = getBackend().name;
  setBackend("ref");
  try {
    return Array.from(await make().data());
  } finally {
    setBackend(was);
  }
}

/**
 * The op runs without throwing (a GPU kernel cannot); the next read throws an IndexError whose
 * message matches each of `patterns`; a read after it works and gives `valid`'s values, as on ref.
 */
async function expectReportedAtRead(bad: () => Tensor, patterns: RegExp[], valid: () => Tensor) {
  const t = bad();
  const error = await t.data().then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(IndexError);
  const message = (error as Error).message;
  for (const p of patterns) expect(message).toMatch(p);
  expect(message).toMatch(/reported at this read/);
  // the flag was cleared: the same tensor reads (the bad positions hold 0), and a valid op agrees with ref
  await expect(t.data()).resolves.toBeDefined();
  const expected = await onRef(valid);
  expect(Array.from(await valid().data())).toEqual(expected);
}

describe.skipIf(gpu === null)("webgpu: out-of-range indices are reported at the next read", () => {
  it("gather: too large and negative indices", async () => {
    await setBackend("webgpu-index");
    const x = () => floats([1, 2, 3, 4, 5, 6], [3, 2]);
    await expectReportedAtRead(
      () => gather(x(), 0, ints([0, 1, 3, 2], [2, 2])),
      [
        /^gather: index 3 is out of range for axis 0 of size 3.*, at position \(1, 0\)/,
        /index shape \(2, 2\)/,
      ],
      () => gather(x(), 0, ints([2, 1, 0, 2], [2, 2])),
    );
    await expectReportedAtRead(
      () => gather(x(), 1, ints([0, -1, 1, -2, 0, 1], [3, 2])),
      [
        /^gather: 2 index values are out of range for axis 1 of size 2/,
        /from -2 to -1, the first at position \(0, 1\)/,
      ],
      () => gather(x(), 1, ints([1, 0, 1, 1, 0, 0], [3, 2])),
    );
  });

  it("gather on a host array throws at the call, naming the op", async () => {
    await setBackend("webgpu-index");
    expect(() => gather(floats([1, 2, 3], [3]), 0, [0, 7])).toThrow(
      /gather: index 7 is out of range for axis 0 of size 3.*, at position 1/,
    );
    expect(() => gather(floats([1, 2, 3], [3]), 0, [0, 7])).toThrow(IndexError);
  });

  it("indexSelect names itself, on a device index and on a host array (at the call)", async () => {
    await setBackend("webgpu-index");
    const x = () => floats([1, 2, 3, 4, 5, 6], [2, 3]);
    await expectReportedAtRead(
      () => indexSelect(x(), 1, ints([2, 3])),
      [/^indexSelect: index 3 is out of range for axis 1 of size 3.*, at position \(1,\)/],
      () => indexSelect(x(), 1, ints([2, 0, 0])),
    );
    expect(() => indexSelect(x(), 0, new Int32Array([0, 2]))).toThrow(IndexError);
    expect(() => indexSelect(x(), 0, [-1])).toThrow(/indexSelect: index -1 is out of range.*, at position 0/);
  });

  it("scatterAdd", async () => {
    await setBackend("webgpu-index");
    const src = () => floats([1, 2, 3, 4], [2, 2]);
    await expectReportedAtRead(
      () => scatterAdd([2, 3], 1, ints([0, 2, 3, 1], [2, 2]), src()),
      [
        /^scatterAdd: index 3 is out of range for axis 1 of size 3.*, at position \(1, 0\)/,
        /output shape \(2, 3\)/,
      ],
      () => scatterAdd([2, 3], 1, ints([0, 2, 2, 2], [2, 2]), src()),
    );
  });

  it("the backward of gather (scatterAdd) is checked too, and the forward's error comes first", async () => {
    await setBackend("webgpu-index");
    const x = floats([1, 2, 3, 4, 5, 6], [3, 2]).requiresGrad_();
    gather(x, 0, ints([0, 4], [1, 2]))
      .sum()
      .backward();
    const error = await (x.grad as Tensor).data().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IndexError);
    expect((error as Error).message).toMatch(/^gather: index 4 is out of range.*, at position \(0, 1\)/);
    await expect((x.grad as Tensor).data()).resolves.toEqual(Float32Array.from([1, 0, 0, 0, 0, 0]));
  });

  it("embedding and nn.Embedding", async () => {
    await setBackend("webgpu-index");
    const w = () => floats([0, 1, 10, 11, 20, 21], [3, 2]);
    await expectReportedAtRead(
      () => embedding(ints([1, 3, 0, 2], [2, 2]), w()),
      [/^embedding: index 3 is out of range for 3 embeddings \(indices \(2, 2\)\).*, at position \(0, 1\)/],
      () => embedding(ints([1, 2, 0, 2], [2, 2]), w()),
    );
    const layer = new Embedding(4, 2);
    await expectReportedAtRead(
      () => layer.forward(ints([4])),
      [/^Embedding\(4, 2\): index 4 is out of range for 4 embeddings.*, at position \(0,\)/],
      () => oneHot(ints([3, 0]), 4),
    );
    expect(() => embedding([0, 5], w())).toThrow(IndexError);
  });

  it("crossEntropy and nllLoss target classes (ignoreIndex entries excepted)", async () => {
    await setBackend("webgpu-index");
    const logits = () => floats([0.5, -1, 2, 0, 1, -0.5, 3, 0.25, -2], [3, 3]);
    await expectReportedAtRead(
      () => crossEntropy(logits(), ints([0, 3, 2])),
      [
        /^crossEntropy: target class 3 is out of range for 3 classes.*, at position \(1,\)/,
        /target shape \(3,\)/,
      ],
      () => crossEntropy(logits(), ints([0, -100, 2])),
    );
    await expectReportedAtRead(
      () => nllLoss(logits(), ints([-1, 1, 2]), { reduction: "none" }),
      [/^nllLoss: target class -1 is out of range for 3 classes.*, at position \(0,\)/],
      () => nllLoss(logits(), ints([1, 1, 2]), { reduction: "none" }),
    );
  });

  it("oneHot", async () => {
    await setBackend("webgpu-index");
    await expectReportedAtRead(
      () => oneHot(ints([1, 3]), 3),
      [/^oneHot: class index 3 is out of range for 3 classes.*, at position \(1,\)/],
      () => oneHot(ints([1, 2]), 3),
    );
    expect(() => oneHot([0, 3], 3)).toThrow(
      /oneHot: class index 3 is out of range for 3 classes, at position 1/,
    );
  });

  it("reports the first bad op of several, and nothing once read", async () => {
    await setBackend("webgpu-index");
    const x = floats([1, 2, 3], [3]);
    const a = gather(x, 0, ints([5]));
    const b = oneHot(ints([9]), 3);
    const error = await b.data().catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/^gather: index 5/);
    await expect(a.data()).resolves.toEqual(Float32Array.from([0]));
    await expect(b.data()).resolves.toEqual(Float32Array.from([0, 0, 0]));
  });

  it("in-range results are unchanged: a mix of index ops matches the reference backend", async () => {
    await setBackend("webgpu-index");
    const make = () => {
      const x = floats([1, 2, 3, 4, 5, 6, 7, 8], [4, 2]);
      const picked = indexSelect(x, 0, ints([3, 0, 3]));
      const g = gather(picked, 1, ints([1, 0, 1], [3, 1]));
      const s = scatterAdd([3, 4], 1, ints([3, 0, 3], [3, 1]), g);
      const e = embedding(ints([1, 2, 1], [3, 1]), x);
      const ce = crossEntropy(s, ints([3, -100, 1]), { reduction: "none" });
      return [picked, g, s, e, ce, oneHot(ints([2, 0]), 3)];
    };
    const got = await Promise.all(make().map(async (t) => Array.from(await t.data())));
    setBackend("ref");
    const expected = await Promise.all(make().map(async (t) => Array.from(await t.data())));
    setBackend("webgpu-index");
    for (let i = 0; i < 4; i++) expect(got[i]).toEqual(expected[i]);
    expect(closeF32(got[4], expected[4], 1e-5, 1e-6)).toBeNull();
    expect(got[5]).toEqual(expected[5]);
  });

  it("fit on a TensorDataset whose labels are out of range for crossEntropy fails with that IndexError", async () => {
    await setBackend("webgpu-index");
    const xs = new Float32Array(40 * 4).map((_, i) => Math.sin(i));
    const ys = Int32Array.from({ length: 40 }, (_, i) => (i === 27 ? 5 : i % 3));
    const data = new TensorDataset(fromHost(xs, [40, 4], "float32"), fromHost(ys, [40], "int32"));
    const model = new Sequential(new Linear(4, 3));
    model.compile({ optimizer: new SGD(model.parameters(), { lr: 0.1 }), loss: "crossEntropy" });
    const error = await model
      .fit(data, { epochs: 1, batchSize: 8, shuffle: false, verbose: 0 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IndexError);
    expect((error as Error).message).toMatch(
      /^crossEntropy: target class 5 is out of range for 3 classes.*, at position \(3,\)/,
    );
  });
});
