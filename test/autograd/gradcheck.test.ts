import { afterEach, expect } from "vitest";
import { StrataError } from "../../src/base/errors.js";
import { GRAD_RULES, type GradRule } from "../../src/autograd/grad_rules.js";
import { gradcheck } from "../../src/autograd/gradcheck.js";
import { randn, tensor } from "../../src/ops/creation.js";
import { describeEachBackend, itNeeds } from "../helpers/backends.js";

const saved: GradRule = GRAD_RULES.sin;

describeEachBackend("gradcheck", () => {
  afterEach(() => {
    GRAD_RULES.sin = saved;
  });

  itNeeds("float64")("passes a correct gradient and reports a tiny error", () => {
    const x = randn([3, 4], { dtype: "float64", requiresGrad: true });
    const r = gradcheck((t) => t.tanh().sum(1), [x]);
    expect(r.ok).toBe(true);
    expect(r.maxAbsError).toBeLessThan(1e-8);
    expect(r.message).toBe("");
  });

  itNeeds("float64")("fails a wrong gradient and says where", () => {
    const x = tensor([0.5, 1, 1.5], { dtype: "float64", requiresGrad: true });
    // x · stopgrad(x) has analytic gradient x but numeric gradient 2x
    const r = gradcheck((t) => t.mul(t.detach()), [x]);
    expect(r.ok).toBe(false);
    expect(r.maxAbsError).toBeGreaterThan(0.1);
    expect(r.message).toMatch(/^input 0, element \d+: analytic .* vs numeric /);
  });

  itNeeds("float64")("describes the worst mismatch, not the first", () => {
    const x = tensor([0.5, 1, 3], { dtype: "float64", requiresGrad: true });
    // as above, summed (one upstream weight for all): the analytic gradient misses by |w|·x, most at x = 3
    const r = gradcheck((t) => t.mul(t.detach()).sum(), [x]);
    expect(r.ok).toBe(false);
    expect(r.message).toMatch(/^input 0, element 2: /);
  });

  itNeeds("float64")("fails a NaN gradient (a NaN difference is not within any tolerance)", () => {
    const x = tensor([0, 1, 1.5], { dtype: "float64", requiresGrad: true });
    // √|x| at 0: the chain rule gives ∞ · sign(0) = NaN, the central difference 0
    const r = gradcheck((t) => t.abs().sqrt(), [x]);
    expect(r.ok).toBe(false);
    expect(r.maxAbsError).toBeNaN();
    expect(r.message).toBe("input 0, element 0: analytic NaN vs numeric 0");
  });

  itNeeds("float64")("catches a broken rule in the rule table", () => {
    GRAD_RULES.sin = (g, { inputs: [x] }) => [g.mul(x.cos()).mul(1.01)];
    const x = randn([4], { dtype: "float64", requiresGrad: true });
    expect(gradcheck((t) => t.sin(), [x]).ok).toBe(false);
    GRAD_RULES.sin = saved;
    expect(gradcheck((t) => t.sin(), [x]).ok).toBe(true);
  });

  itNeeds("float64")("checks only inputs that require grad, and insists on float64 for them", () => {
    const x = tensor([1, 2], { dtype: "float64", requiresGrad: true });
    const c = tensor([3, 4], { dtype: "float64" });
    const r = gradcheck((a, b) => a.mul(b), [x, c]);
    expect(r.ok).toBe(true);
    expect(c.grad).toBe(null);
    const f = tensor([1, 2], { requiresGrad: true });
    expect(() => gradcheck((a) => a.mul(2), [f])).toThrow(StrataError);
    expect(() => gradcheck((a) => a.mul(2), [f])).toThrow(/should be float64/);
  });
});
