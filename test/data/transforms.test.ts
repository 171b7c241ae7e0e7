import { beforeAll, expect, it } from "vitest";
import type { Tensor } from "../../src/core/tensor.js";
import { ShapeError, ValueError } from "../../src/base/errors.js";
import { Standardizer, minMaxScale, normalize, standardize } from "../../src/data/transforms.js";
import { ones, tensor, zeros } from "../../src/ops/creation.js";
import { describeEachBackend } from "../helpers/backends.js";
import { expectClose } from "../helpers/close.js";

describeEachBackend("normalize", () => {
  it("uses one mean and std for every element", async () => {
    await expectClose(normalize(tensor([1, 3, 5]), 3, 2), [-1, 0, 1]);
  });

  it("uses per-channel statistics along axis 1 of NCHW", async () => {
    const x = ones([2, 3, 2, 2]);
    const y = normalize(x, [0, 1, 2], [1, 2, 4]);
    expect(y.shape).toEqual([2, 3, 2, 2]);
    const v = (await y.array()) as number[][][][];
    expect(v[1][0][1][1]).toBeCloseTo(1);
    expect(v[0][1][0][0]).toBeCloseTo(0);
    expect(v[1][2][1][0]).toBeCloseTo(-0.25);
  });

  it("converts integer input to float32", async () => {
    const y = normalize(tensor([0, 255], { dtype: "int32" }), 0, 255);
    expect(y.dtype).toBe("float32");
    await expectClose(y, [0, 1]);
  });

  it("names the mismatch", async () => {
    expect(() => normalize(ones([2, 3, 4, 4]), [0, 1], [1, 1])).toThrow(ShapeError);
    expect(() => normalize(ones([2, 3, 4, 4]), [0, 1], [1, 1])).toThrow(
      /2 values but axis 1.*has 3 channels/,
    );
    expect(() => normalize(ones([2]), 0, 0)).toThrow(ValueError);
  });
});

describeEachBackend("standardize", () => {
  // made once the suite's backend is set (not while collecting, on the default one)
  let x: Tensor;
  beforeAll(() => {
    x = tensor([
      [1, 10, 5],
      [3, 20, 5],
      [5, 30, 5],
    ]);
  });

  it("returns zero-mean unit-std features and the fitted statistics", async () => {
    const { result, mean, std } = standardize(x);
    expect(mean.shape).toEqual([1, 3]);
    await expectClose(mean, tensor([[3, 20, 5]]));
    await expectClose(std, tensor([[Math.sqrt(8 / 3), Math.sqrt(200 / 3), 1]]), { rtol: 1e-5 });
    await expectClose(result.mean(0), [0, 0, 0], { atol: 1e-6 });
    await expectClose(result.std(0, false, 0), [1, 1, 0], { atol: 1e-5 }); // the constant column maps to 0
  });

  it("applies the training statistics to test data", async () => {
    const { apply, mean, std } = standardize(x);
    const test = tensor([[3, 40, 6]]);
    await expectClose(apply(test), normalize(test, mean, std));
    await expectClose(apply(test), [0, 20 / Math.sqrt(200 / 3), 1], { rtol: 1e-5 });
  });

  it("reduces over several axes or all of them", async () => {
    const img = tensor([[[[0, 2]], [[10, 30]]]]); // [1, 2, 1, 2]
    const { mean } = standardize(img, [0, 2, 3]);
    expect(mean.shape).toEqual([1, 2, 1, 1]);
    await expectClose(mean, [1, 20]);
    const all = standardize(tensor([1, 2, 3, 4]), null);
    await expectClose(all.mean, [2.5]);
    expect(standardize(x, 1).mean.shape).toEqual([3, 1]);
    expect(() => standardize(x, 2)).toThrow(/axis 2 is out of range/);
  });
});

describeEachBackend("Standardizer", () => {
  let train: Tensor;
  beforeAll(() => {
    train = tensor([
      [1, 10, 5],
      [3, 20, 5],
      [5, 30, 5],
    ]);
  });

  it("fits on the training rows only and applies those statistics to other rows", async () => {
    const scaler = Standardizer.fit(train);
    await expectClose(scaler.mean, tensor([[3, 20, 5]]));
    await expectClose(scaler.std, tensor([[Math.sqrt(8 / 3), Math.sqrt(200 / 3), 1]]), { rtol: 1e-5 });
    const z = scaler.transform(train);
    await expectClose(z.mean(0), [0, 0, 0], { atol: 1e-6 });
    await expectClose(z.std(0, false, 0), [1, 1, 0], { atol: 1e-5 }); // the constant column maps to 0, not NaN
    // test rows use the training statistics, not their own: [3, 40, 6] -> [0, 20 / std, (6 - 5) / 1]
    await expectClose(scaler.transform(tensor([[3, 40, 6]])), tensor([[0, 20 / Math.sqrt(200 / 3), 1]]), {
      rtol: 1e-5,
    });
    await expectClose(scaler.transform(tensor([[3, 40, 6]])), standardize(train).apply(tensor([[3, 40, 6]])));
  });

  it("inverts its transform and converts integer input to float32", async () => {
    const scaler = Standardizer.fit(tensor([[0], [2], [4]], { dtype: "int32" }));
    const z = scaler.transform(tensor([[4]], { dtype: "int32" }));
    expect(z.dtype).toBe("float32");
    await expectClose(z, tensor([[Math.sqrt(3 / 2)]]), { rtol: 1e-5 });
    await expectClose(scaler.inverseTransform(z), tensor([[4]]), { rtol: 1e-5 });
  });

  it("is made from saved statistics, and fits per channel", async () => {
    const restored = new Standardizer(tensor([[1, 2]]), tensor([[2, 4]]));
    await expectClose(restored.transform(tensor([[3, 10]])), tensor([[1, 2]]));
    const img = tensor([[[[0, 2]], [[10, 30]]]]); // [1, 2, 1, 2]
    await expectClose(Standardizer.fit(img, [0, 2, 3]).transform(img), tensor([[[[-1, 1]], [[-1, 1]]]]), {
      rtol: 1e-5,
    });
  });

  it("names a data shape that does not match the fit, and an empty fit", async () => {
    const scaler = Standardizer.fit(train);
    expect(() => scaler.transform(tensor([[1, 2]]))).toThrow(ShapeError);
    expect(() => scaler.transform(tensor([[1, 2]]))).toThrow(
      "Standardizer.transform: fitted statistics of shape (1, 3) do not match data of shape (1, 2) " +
        "(fit on rows with the same features)",
    );
    expect(() => scaler.inverseTransform(tensor([1, 2, 3]))).toThrow(/inverseTransform: .* shape \(3,\)/);
    expect(() => Standardizer.fit(zeros([0, 3]))).toThrow(/cannot fit on an empty tensor \(0, 3\)/);
    expect(() => Standardizer.fit(train, 2)).toThrow(/axis 2 is out of range/);
  });
});

describeEachBackend("minMaxScale", () => {
  it("maps each feature onto [0, 1] and reuses the fit", async () => {
    const x = tensor([
      [0, -1, 7],
      [5, 1, 7],
      [10, 0, 7],
    ]);
    const { result, min, max, apply } = minMaxScale(x);
    await expectClose(min, tensor([[0, -1, 7]]));
    await expectClose(max, tensor([[10, 1, 7]]));
    await expectClose(
      result,
      tensor([
        [0, 0, 0],
        [0.5, 1, 0],
        [1, 0.5, 0],
      ]),
    );
    await expectClose(apply(tensor([[20, 0, 8]])), tensor([[2, 0.5, 1]]));
  });

  it("maps onto another range", async () => {
    await expectClose(minMaxScale(tensor([2, 4, 6]), null, [-1, 1]).result, [-1, 0, 1]);
    expect(() => minMaxScale(tensor([1, 2]), 0, [1, 0])).toThrow(/low < high/);
  });
});
