import { afterEach, describe, expect, it } from "vitest";
import { RefBackend } from "../../src/backends/ref/index.js";
import { getBackend, listBackends, registerBackend, setBackend } from "../../src/backends/registry.js";
import { backendOf, record, wrap } from "../../src/core/dispatch.js";
import { ArgumentError, StrataError, ValueError } from "../../src/base/errors.js";
import type { Tensor } from "../../src/core/tensor.js";
import { noGrad } from "../../src/core/grad_mode.js";
import { tensor, zeros } from "../../src/ops/creation.js";
import { matmul } from "../../src/ops/linalg.js";
import { concat } from "../../src/ops/movement.js";

describe("backends and dispatch", () => {
  afterEach(() => {
    setBackend("ref");
  });

  it("wasm is the default in Node (or what STRATA_BACKEND names), and both backends are registered", () => {
    expect(listBackends()).toEqual(expect.arrayContaining(["ref", "wasm"]));
    expect(getBackend().name).toBe(process.env.STRATA_BACKEND ?? "wasm");
    expect(setBackend("ref")).toBe(getBackend());
    expect(() => setBackend("nope")).toThrow(ValueError);
    expect(() => setBackend("nope")).toThrow(/unknown backend "nope"; registered: ref, wasm/);
  });

  it("mixing tensors of two backends is an error naming the op", () => {
    registerBackend("ref-other", () => new RefBackend());
    const b = setBackend("ref-other");
    expect(getBackend()).toBe(b);
    const x = tensor([1, 2]);
    expect(x.backend).toBe(b);
    setBackend("ref");
    const y = tensor([3, 4]);
    expect(y.backend).not.toBe(b);
    expect(() => x.add(y)).toThrow(StrataError);
    expect(() => x.add(y)).toThrow(/add: tensors live on different backends \(ref and ref\); move one first/);
    expect(() => matmul(x, y)).toThrow(/matmul: tensors live on different backends/);
    expect(() => concat([x, y])).toThrow(/concat: tensors live on different backends/);
    // the same instance is reused
    expect(setBackend("ref-other")).toBe(b);
  });

  it("wrap makes a contiguous tensor; record attaches a node only when needed", () => {
    const be = getBackend();
    const t = wrap(be, be.upload(new Float32Array([1, 2, 3, 4, 5, 6]), "float32"), [2, 3]);
    expect(t.shape).toEqual([2, 3]);
    expect(t.strides).toEqual([3, 1]);
    expect(t.dtype).toBe("float32");
    const leaf = tensor([1], { requiresGrad: true });
    const plain = tensor([1]);
    const a = record(tensor([2]), "mul", [plain]);
    expect(a.gradFn).toBe(null);
    const b = record(tensor([2]), "mul", [plain, leaf], { k: 1 });
    expect(b.requiresGrad).toBe(true);
    expect(b.gradFn).toEqual({ op: "mul", inputs: [plain, leaf], attrs: { k: 1 } });
    const c = noGrad(() => record(tensor([2]), "mul", [leaf]));
    expect(c.gradFn).toBe(null);
  });

  it("backendOf, the dispatch point, refuses anything that is not a tensor", () => {
    expect(() => backendOf("exp", zeros([1]), { shape: [1] } as unknown as Tensor)).toThrow(ArgumentError);
    expect(() => backendOf("exp", zeros([1]), { shape: [1] } as unknown as Tensor)).toThrow(
      "exp: expected a Tensor, got an object with keys {shape}",
    );
  });
});
