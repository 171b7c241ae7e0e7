import { describe, expect, it } from "vitest";
import { ShapeError } from "../../../src/base/errors.js";
import { randn } from "../../../src/ops/creation.js";
import { Flatten } from "../../../src/nn/layers/flatten.js";

describe("Flatten", () => {
  it("keeps the batch axis by default", () => {
    expect(new Flatten().forward(randn([32, 1, 28, 28])).shape).toEqual([32, 784]);
    expect(new Flatten().forward(randn([5, 3])).shape).toEqual([5, 3]);
  });

  it("flattens a chosen range of axes", () => {
    expect(new Flatten(0).forward(randn([2, 3, 4])).shape).toEqual([24]);
    expect(new Flatten(1, 2).forward(randn([2, 3, 4, 5])).shape).toEqual([2, 12, 5]);
    expect(new Flatten(-3, -2).forward(randn([2, 3, 4, 5])).shape).toEqual([2, 12, 5]);
  });

  it("passes the gradient back in the input's shape", () => {
    const x = randn([2, 3, 4], { requiresGrad: true });
    new Flatten().forward(x).sum().backward();
    expect(x.grad!.shape).toEqual([2, 3, 4]);
  });

  it("describes itself and rejects inputs with too few axes", () => {
    const f = new Flatten();
    expect(f.describe()).toBe("Flatten");
    expect(new Flatten(0, 2).describe()).toBe("Flatten(startAxis=0, endAxis=2)");
    expect(() => f.forward(randn([5]))).toThrow(ShapeError);
    expect(() => f.forward(randn([5]))).toThrow(
      "Flatten expected input with at least 2 dimensions, got (5,)",
    );
    expect(() => new Flatten(2, -2).forward(randn([2, 3, 4]))).toThrow(/startAxis comes before endAxis/);
  });
});
