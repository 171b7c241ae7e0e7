import { describe, expect, it } from "vitest";
import { ShapeError, ValueError } from "../../../src/base/errors.js";
import { RMSNorm } from "../../../src/nn/layers/norm.js";
import { randn } from "../../../src/ops/creation.js";
import { describeEachBackend } from "../../helpers/backends.js";
import { expectClose } from "../../helpers/close.js";
import { type FixtureTensor, fixtureTensor, loadFixture } from "../../helpers/fixtures.js";

interface RmsCase {
  normalizedShape: number[];
  eps: number | null;
  input: FixtureTensor;
  weight: FixtureTensor;
  output: FixtureTensor;
  grad_output: FixtureTensor;
  grad_input: FixtureTensor;
  grad_weight: FixtureTensor;
}

const TOL = { rtol: 1e-4, atol: 1e-5 };
const cases = (loadFixture("attention") as unknown as { rmsnorm: RmsCase[] }).rmsnorm;

describeEachBackend("RMSNorm vs PyTorch 2.4's formula (written out in the fixture script)", () => {
  for (const c of cases) {
    it(`normalizedShape ${JSON.stringify(c.normalizedShape)}, eps ${c.eps ?? "default"}`, async () => {
      const norm = new RMSNorm(c.normalizedShape, { eps: c.eps ?? undefined });
      norm.loadStateDict({ weight: fixtureTensor(c.weight) });
      const x = fixtureTensor(c.input).requiresGrad_();
      const y = norm.forward(x);
      await expectClose(y, fixtureTensor(c.output), TOL);
      y.mul(fixtureTensor(c.grad_output)).sum().backward();
      await expectClose(x.grad!, fixtureTensor(c.grad_input), TOL);
      await expectClose(norm.weight!.grad!, fixtureTensor(c.grad_weight), TOL);
    });
  }
});

describe("RMSNorm", () => {
  it("has PyTorch's weight and no bias, or nothing without elementwiseAffine", async () => {
    expect(Object.keys(new RMSNorm([3, 4]).stateDict())).toEqual(["weight"]);
    expect(new RMSNorm(4, { elementwiseAffine: false }).numParameters()).toBe(0);
    const y = new RMSNorm(8, { elementwiseAffine: false }).forward(randn([5, 8]).mul(30));
    await expectClose(y.square().mean(-1), [1, 1, 1, 1, 1], { rtol: 1e-5, atol: 1e-5 });
  });

  it("explains bad shapes", () => {
    expect(() => new RMSNorm(0)).toThrow(ValueError);
    expect(() => new RMSNorm(8).forward(randn([2, 6]))).toThrow(ShapeError);
  });
});
