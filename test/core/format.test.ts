import { describe, expect, it } from "vitest";
import { formatTensor } from "../../src/core/format.js";
import type { Tensor } from "../../src/core/tensor.js";
import { arange, fromHost, tensor, zeros } from "../../src/ops/creation.js";
import { describeEachBackend, itInDtype, syncReads } from "../helpers/backends.js";
import { loadFixture } from "../helpers/fixtures.js";

/** Our printing names dtypes `int32` and the flag `requiresGrad=true` where PyTorch says `torch.int32` and `requires_grad=True`. */
const normalize = (s: string) =>
  s.replace(/dtype=torch\./g, "dtype=").replace("requires_grad=True", "requiresGrad=true");

interface StrCase {
  name: string;
  shape: number[];
  dtype: "float32" | "int32" | "bool";
  data: number[];
  str: string;
}

/** More strings printed by PyTorch 1.13 (default print options), for cases the fixture file lacks. */
const EXTRA: [string, () => ReturnType<typeof tensor>, string][] = [
  ["nan in integer mode", () => tensor([Number.NaN, 1, 2]), "tensor([nan, 1., 2.])"],
  ["nan wider column", () => tensor([Number.NaN, 100]), "tensor([ nan, 100.])"],
  ["nan with negatives", () => tensor([Number.NaN, 1, -2]), "tensor([nan,  1., -2.])"],
  ["only nan", () => tensor([Number.NaN]), "tensor([nan])"],
  ["only inf", () => tensor([Infinity, -Infinity]), "tensor([inf, -inf])"],
  ["inf in float mode", () => tensor([Infinity, 1.5, -Infinity]), "tensor([   inf, 1.5000,   -inf])"],
  ["-inf after negative", () => tensor([-0.5, Infinity]), "tensor([-0.5000,     inf])"],
  ["nan in sci mode", () => tensor([Number.NaN, 1e-5, 1]), "tensor([       nan, 1.0000e-05, 1.0000e+00])"],
  ["zero and nan", () => tensor([0, Number.NaN]), "tensor([0., nan])"],
  ["all zero", () => tensor([0, 0]), "tensor([0., 0.])"],
  ["empty", () => tensor([]), "tensor([])"],
  ["empty 2-d", () => zeros([2, 0]), "tensor([], size=(2, 0))"],
  [
    "float64",
    () => tensor([1.5, 2.25], { dtype: "float64" }),
    "tensor([1.5000, 2.2500], dtype=torch.float64)",
  ],
  ["large integers go scientific", () => tensor([1e9, 1]), "tensor([1.0000e+09, 1.0000e+00])"],
  ["negative 0-d", () => tensor(-3), "tensor(-3.)"],
  ["int 0-d", () => tensor(5, { dtype: "int32" }), "tensor(5, dtype=torch.int32)"],
  ["bool 0-d", () => tensor(true), "tensor(True)"],
  [
    "column",
    () => tensor([[1.5], [-2], [3.25]]),
    "tensor([[ 1.5000],\n        [-2.0000],\n        [ 3.2500]])",
  ],
  ["sci for mixed magnitudes", () => tensor([123.456, -0.001]), "tensor([ 1.2346e+02, -1.0000e-03])"],
  [
    "wrapped lines",
    () => arange(30, undefined, 1, { dtype: "float32" }).div(7),
    "tensor([0.0000, 0.1429, 0.2857, 0.4286, 0.5714, 0.7143, 0.8571, 1.0000, 1.1429,\n        1.2857, 1.4286, 1.5714, 1.7143, 1.8571, 2.0000, 2.1429, 2.2857, 2.4286,\n        2.5714, 2.7143, 2.8571, 3.0000, 3.1429, 3.2857, 3.4286, 3.5714, 3.7143,\n        3.8571, 4.0000, 4.1429])",
  ],
  [
    "wrapped ints with the dtype on its own line",
    () => arange(40).mul(1000),
    "tensor([    0,  1000,  2000,  3000,  4000,  5000,  6000,  7000,  8000,  9000,\n        10000, 11000, 12000, 13000, 14000, 15000, 16000, 17000, 18000, 19000,\n        20000, 21000, 22000, 23000, 24000, 25000, 26000, 27000, 28000, 29000,\n        30000, 31000, 32000, 33000, 34000, 35000, 36000, 37000, 38000, 39000],\n       dtype=torch.int32)",
  ],
  [
    "float64 dtype on its own line",
    () => arange(18, undefined, 1, { dtype: "float64" }).div(3),
    "tensor([0.0000, 0.3333, 0.6667, 1.0000, 1.3333, 1.6667, 2.0000, 2.3333, 2.6667,\n        3.0000, 3.3333, 3.6667, 4.0000, 4.3333, 4.6667, 5.0000, 5.3333, 5.6667],\n       dtype=torch.float64)",
  ],
  [
    "requires grad",
    () =>
      tensor(
        [
          [1, 1],
          [1, 1],
        ],
        { dtype: "float64", requiresGrad: true },
      ),
    "tensor([[1., 1.],\n        [1., 1.]], dtype=torch.float64, requires_grad=True)",
  ],
];

/**
 * `toStringAsync()` prints the values on every backend; `toString()` / `String(t)` too where reads are
 * synchronous (on webgpu they name toStringAsync, tested below).
 */
async function expectPrints(t: Tensor, text: string): Promise<void> {
  expect(await t.toStringAsync()).toBe(text);
  if (syncReads()) {
    expect(t.toString()).toBe(text);
    expect(String(t)).toBe(text);
  }
}

describeEachBackend("toString", () => {
  describe("against PyTorch (tostring.json)", () => {
    const fixture = loadFixture<StrCase>("tostring");
    it.each(fixture.cases.map((c) => [c.name, c] as const))("%s", async (_name, c) => {
      const t = fromHost(c.data, c.shape, c.dtype);
      await expectPrints(t, normalize(c.str));
    });
  });

  describe("against PyTorch, more cases", () => {
    for (const [name, make, str] of EXTRA) {
      itInDtype(str.includes("float64") ? "float64" : "float32")(name, async () => {
        await expectPrints(make(), normalize(str));
      });
    }
  });

  it("prints non-contiguous views in their own order", async () => {
    const t = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]).T;
    await expectPrints(t, "tensor([[1., 4.],\n        [2., 5.],\n        [3., 6.]])");
    const s = arange(10, undefined, 1, { dtype: "int32" }).slice(0, 1, 10, 3);
    await expectPrints(s, "tensor([1, 4, 7], dtype=int32)");
  });

  it("toString on a backend without synchronous reads names toStringAsync", () => {
    const t = tensor([1, 2]);
    if (syncReads()) expect(String(t)).toBe("tensor([1., 2.])");
    else expect(String(t)).toBe("tensor(<float32, shape (2,) on webgpu: await t.toStringAsync() to print>)");
  });

  it("formatTensor works on raw data", () => {
    expect(formatTensor(new Float32Array([0.5]), [], "float32", false)).toBe("tensor(0.5000)");
    expect(formatTensor(new Uint8Array([1, 0]), [2], "bool", false)).toBe("tensor([ True, False])");
  });
});
