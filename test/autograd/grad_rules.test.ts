import { expect, it } from "vitest";
import { GRAD_RULES } from "../../src/autograd/grad_rules.js";
import { gradcheck } from "../../src/autograd/gradcheck.js";
import type { Tensor } from "../../src/core/tensor.js";
import * as A from "../../src/ops/activation.js";
import { fromHost } from "../../src/ops/creation.js";
import { setBackend } from "../../src/backends/registry.js";
import { Generator } from "../../src/core/random.js";
import * as E from "../../src/ops/elementwise.js";
import { matmul } from "../../src/ops/linalg.js";
import * as M from "../../src/ops/movement.js";
import { describeEachBackend, itNeeds } from "../helpers/backends.js";
import { seededValues } from "../helpers/naive.js";
import { expectClose } from "../helpers/close.js";

let seed = 1;

/** The dtype of the leaves: float64 for gradcheck; float32 where the table runs on webgpu. */
let leafDtype: "float64" | "float32" = "float64";

/** A float64 leaf with values in [lo, hi), kept at least `gap` away from every point in `avoid`. */
function leaf(shape: number[], lo = -2, hi = 2, avoid: number[] = [], gap = 0.05): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const v = seededValues(n, seed++, lo, hi).map((x) => {
    for (const p of avoid) if (Math.abs(x - p) < gap) return p + (x < p ? -gap : gap);
    return x;
  });
  return fromHost(v, shape, leafDtype, true);
}

const int = (v: number[], shape: number[]) => fromHost(v, shape, "int32");
const halfInts = [-2.5, -2, -1.5, -1, -0.5, 0, 0.5, 1, 1.5, 2, 2.5];

type Case = { fn: (...xs: Tensor[]) => Tensor; inputs: Tensor[] };
/** op name -> a function of float64 leaves, and the leaves (made lazily, on the backend under test). */
const TABLE: [string, () => Case][] = [
  // elementwise unary
  ["neg", () => ({ fn: (x) => x.neg(), inputs: [leaf([2, 3])] })],
  ["exp", () => ({ fn: (x) => x.exp(), inputs: [leaf([2, 3])] })],
  ["log", () => ({ fn: (x) => x.log(), inputs: [leaf([2, 3], 0.2, 3)] })],
  ["sqrt", () => ({ fn: (x) => x.sqrt(), inputs: [leaf([2, 3], 0.2, 3)] })],
  ["rsqrt", () => ({ fn: (x) => x.rsqrt(), inputs: [leaf([2, 3], 0.2, 3)] })],
  ["abs", () => ({ fn: (x) => x.abs(), inputs: [leaf([2, 3], -2, 2, [0])] })],
  ["sign", () => ({ fn: (x) => x.sign().mul(x), inputs: [leaf([2, 3], -2, 2, [0])] })],
  ["sin", () => ({ fn: (x) => x.sin(), inputs: [leaf([2, 3])] })],
  ["cos", () => ({ fn: (x) => x.cos(), inputs: [leaf([2, 3])] })],
  ["tanh", () => ({ fn: (x) => x.tanh(), inputs: [leaf([2, 3])] })],
  ["sigmoid", () => ({ fn: (x) => x.sigmoid(), inputs: [leaf([2, 3])] })],
  ["relu", () => ({ fn: (x) => x.relu(), inputs: [leaf([2, 3], -2, 2, [0])] })],
  ["floor", () => ({ fn: (x) => x.floor().add(x.mul(x)), inputs: [leaf([2, 3], -2, 2, halfInts)] })],
  ["ceil", () => ({ fn: (x) => x.ceil().mul(x), inputs: [leaf([2, 3], -2, 2, halfInts)] })],
  ["round", () => ({ fn: (x) => x.round().mul(x), inputs: [leaf([2, 3], -2, 2, halfInts)] })],
  ["erf", () => ({ fn: (x) => x.erf(), inputs: [leaf([2, 3])] })],
  ["log1p", () => ({ fn: (x) => x.log1p(), inputs: [leaf([2, 3], -0.8, 2)] })],
  ["expm1", () => ({ fn: (x) => x.expm1(), inputs: [leaf([2, 3])] })],
  ["reciprocal", () => ({ fn: (x) => x.reciprocal(), inputs: [leaf([2, 3], 0.3, 2)] })],
  ["square", () => ({ fn: (x) => x.square(), inputs: [leaf([2, 3])] })],
  ["clip", () => ({ fn: (x) => x.clip(-1, 1), inputs: [leaf([3, 4], -2, 2, [-1, 1])] })],
  ["clip (min only)", () => ({ fn: (x) => x.clamp(0.5), inputs: [leaf([3, 4], -2, 2, [0.5])] })],
  ["cast float64 -> float64", () => ({ fn: (x) => x.cast(leafDtype).mul(x), inputs: [leaf([3])] })],
  // elementwise binary, with broadcasting and number operands
  ["add", () => ({ fn: (a, b) => a.add(b), inputs: [leaf([2, 3]), leaf([2, 3])] })],
  ["add (2,3)+(3,)", () => ({ fn: (a, b) => a.add(b), inputs: [leaf([2, 3]), leaf([3])] })],
  ["add (2,1)+(1,3)", () => ({ fn: (a, b) => a.add(b), inputs: [leaf([2, 1]), leaf([1, 3])] })],
  ["sub (3,)-(2,3)", () => ({ fn: (a, b) => a.sub(b), inputs: [leaf([3]), leaf([2, 3])] })],
  ["sub number-x", () => ({ fn: (x) => E.sub(1.5, x), inputs: [leaf([4])] })],
  ["mul (2,3,1)*(4,)", () => ({ fn: (a, b) => a.mul(b), inputs: [leaf([2, 3, 1]), leaf([4])] })],
  ["mul 0-d * (2,3)", () => ({ fn: (a, b) => a.mul(b), inputs: [leaf([]), leaf([2, 3])] })],
  ["mul x*x", () => ({ fn: (x) => x.mul(x), inputs: [leaf([5])] })],
  ["div", () => ({ fn: (a, b) => a.div(b), inputs: [leaf([2, 3]), leaf([2, 3], 0.5, 2)] })],
  ["div (2,3)/(2,1)", () => ({ fn: (a, b) => a.div(b), inputs: [leaf([2, 3]), leaf([2, 1], -2, -0.5)] })],
  ["div number/x", () => ({ fn: (x) => E.div(2, x), inputs: [leaf([4], 0.5, 2)] })],
  ["pow", () => ({ fn: (a, b) => a.pow(b), inputs: [leaf([2, 3], 0.3, 2), leaf([2, 3])] })],
  ["pow (3,)^(2,1)", () => ({ fn: (a, b) => a.pow(b), inputs: [leaf([3], 0.3, 2), leaf([2, 1])] })],
  ["pow x^3", () => ({ fn: (x) => x.pow(3), inputs: [leaf([4])] })],
  ["pow 2^x", () => ({ fn: (x) => E.pow(2, x), inputs: [leaf([4])] })],
  ["maximum (no ties)", () => ({ fn: (a, b) => a.maximum(b), inputs: [leaf([2, 3]), leaf([3])] })],
  ["minimum (no ties)", () => ({ fn: (a, b) => a.minimum(b), inputs: [leaf([2, 3]), leaf([2, 1])] })],
  [
    "where",
    () => {
      const c = fromHost([1, 0, 1, 0, 0, 1], [2, 3], "bool");
      return { fn: (a, b) => E.where(c, a, b), inputs: [leaf([2, 3]), leaf([3])] };
    },
  ],
  [
    "where (number branch)",
    () => {
      const c = fromHost([1, 0, 1], [3, 1], "bool");
      return { fn: (a) => E.where(c, a, 0), inputs: [leaf([1, 4])] };
    },
  ],
  // reductions
  ["sum (all)", () => ({ fn: (x) => x.sum(), inputs: [leaf([2, 3, 4])] })],
  ["sum axis 1", () => ({ fn: (x) => x.sum(1), inputs: [leaf([2, 3, 4])] })],
  ["sum [0,2] keepDims", () => ({ fn: (x) => x.sum([0, 2], true), inputs: [leaf([2, 3, 4])] })],
  ["mean axis -1", () => ({ fn: (x) => x.mean(-1), inputs: [leaf([2, 3, 4])] })],
  ["mean [0,1] keepDims", () => ({ fn: (x) => x.mean([0, 1], true), inputs: [leaf([2, 3, 4])] })],
  ["max (no ties) all", () => ({ fn: (x) => x.max(), inputs: [leaf([3, 4])] })],
  ["max (no ties) axis 0", () => ({ fn: (x) => x.max(0), inputs: [leaf([3, 4])] })],
  ["min (no ties) axis 1 keepDims", () => ({ fn: (x) => x.min(1, true), inputs: [leaf([3, 4])] })],
  ["var axis 1", () => ({ fn: (x) => x.var(1), inputs: [leaf([3, 4])] })],
  ["var [0,1] keepDims correction 0", () => ({ fn: (x) => x.var([0, 1], true, 0), inputs: [leaf([3, 4])] })],
  ["std axis 0", () => ({ fn: (x) => x.std(0), inputs: [leaf([3, 4])] })],
  ["std all correction 0", () => ({ fn: (x) => x.std(undefined, false, 0), inputs: [leaf([3, 4])] })],
  ["logSumExp axis 1", () => ({ fn: (x) => x.logSumExp(1), inputs: [leaf([3, 4])] })],
  ["logSumExp [0,1] keepDims", () => ({ fn: (x) => x.logSumExp([0, 1], true), inputs: [leaf([3, 4])] })],
  ["norm 2", () => ({ fn: (x) => x.norm(), inputs: [leaf([3, 4], -2, 2, [0])] })],
  ["norm 1 axis 1", () => ({ fn: (x) => x.norm(1, 1), inputs: [leaf([3, 4], -2, 2, [0])] })],
  ["norm 3 axis 0 keepDims", () => ({ fn: (x) => x.norm(3, 0, true), inputs: [leaf([3, 4], -2, 2, [0])] })],
  ["norm inf", () => ({ fn: (x) => x.norm(Infinity, 1), inputs: [leaf([3, 4], -2, 2, [0])] })],
  // linear algebra
  ["matmul 2-D", () => ({ fn: (a, b) => matmul(a, b), inputs: [leaf([3, 4]), leaf([4, 2])] })],
  ["matmul batched", () => ({ fn: (a, b) => matmul(a, b), inputs: [leaf([2, 3, 4]), leaf([2, 4, 2])] })],
  [
    "matmul batch broadcast",
    () => ({ fn: (a, b) => matmul(a, b), inputs: [leaf([2, 1, 2, 3]), leaf([3, 3, 2])] }),
  ],
  ["matmul (B,m,k)x(k,n)", () => ({ fn: (a, b) => matmul(a, b), inputs: [leaf([2, 3, 4]), leaf([4, 2])] })],
  ["matmul vector x matrix", () => ({ fn: (a, b) => matmul(a, b), inputs: [leaf([3]), leaf([3, 2])] })],
  ["matmul matrix x vector", () => ({ fn: (a, b) => matmul(a, b), inputs: [leaf([2, 3]), leaf([3])] })],
  ["matmul dot", () => ({ fn: (a, b) => matmul(a, b), inputs: [leaf([4]), leaf([4])] })],
  [
    "matmul transposed operand",
    () => ({ fn: (a, b) => a.T.matmul(b), inputs: [leaf([4, 3]), leaf([4, 2])] }),
  ],
  // views and movement
  ["reshape", () => ({ fn: (x) => x.reshape(3, -1), inputs: [leaf([2, 3, 2])] })],
  [
    "reshape of a transposed view",
    () => ({ fn: (x) => x.T.reshape(-1).mul(x.T.reshape(-1)), inputs: [leaf([2, 3])] }),
  ],
  ["view", () => ({ fn: (x) => x.view([6]), inputs: [leaf([2, 3])] })],
  [
    "permute",
    () => {
      const w = leafConst([4, 2, 3]);
      return { fn: (x) => x.permute(2, 0, 1).mul(w), inputs: [leaf([2, 3, 4])] };
    },
  ],
  ["transpose", () => ({ fn: (x) => x.transpose(0, 2), inputs: [leaf([2, 3, 4])] })],
  ["T", () => ({ fn: (x) => x.T.matmul(x), inputs: [leaf([3, 2])] })],
  ["expand", () => ({ fn: (x) => x.expand(2, 3, 4), inputs: [leaf([3, 1])] })],
  ["expandAs + mul", () => ({ fn: (x, y) => x.expandAs(y).mul(y), inputs: [leaf([1, 4]), leaf([3, 4])] })],
  ["squeeze", () => ({ fn: (x) => x.squeeze(), inputs: [leaf([1, 3, 1, 2])] })],
  [
    "unsqueeze",
    () => {
      const w = leafConst([2, 3, 3]);
      return { fn: (x) => x.unsqueeze(1).mul(w), inputs: [leaf([2, 3])] };
    },
  ],
  ["flatten", () => ({ fn: (x) => x.flatten(1), inputs: [leaf([2, 3, 2])] })],
  ["slice", () => ({ fn: (x) => x.slice(1, 1, 3), inputs: [leaf([3, 4])] })],
  ["slice negative", () => ({ fn: (x) => x.slice(0, -2), inputs: [leaf([3, 4])] })],
  ["slice step 2", () => ({ fn: (x) => x.slice(1, 0, 5, 2), inputs: [leaf([3, 5])] })],
  ["slice step 3, offset", () => ({ fn: (x) => x.slice(0, 1, undefined, 3), inputs: [leaf([8, 2])] })],
  ["select", () => ({ fn: (x) => x.select(1, -1), inputs: [leaf([3, 4])] })],
  ["narrow", () => ({ fn: (x) => x.narrow(0, 1, 2), inputs: [leaf([4, 2])] })],
  ["contiguous", () => ({ fn: (x) => x.T.contiguous(), inputs: [leaf([2, 3])] })],
  ["clone", () => ({ fn: (x) => x.clone().mul(x), inputs: [leaf([2, 3])] })],
  [
    "split",
    () => ({ fn: (x) => x.split([1, 3], 1)[1].mul(x.split(2, 1)[0].sum(1, true)), inputs: [leaf([3, 4])] }),
  ],
  ["chunk", () => ({ fn: (x) => x.chunk(2)[1], inputs: [leaf([4, 3])] })],
  [
    "concat",
    () => ({ fn: (a, b, c) => M.concat([a, b, c], 1), inputs: [leaf([2, 1]), leaf([2, 3]), leaf([2, 2])] }),
  ],
  ["concat with itself", () => ({ fn: (a) => M.concat([a, a.mul(2)], 0), inputs: [leaf([2, 2])] })],
  ["stack", () => ({ fn: (a, b) => M.stack([a, b], 1), inputs: [leaf([2, 3]), leaf([2, 3])] })],
  [
    "pad",
    () => ({
      fn: (x) =>
        x.pad(
          [
            [1, 2],
            [0, 1],
          ],
          3,
        ),
      inputs: [leaf([2, 3])],
    }),
  ],
  [
    "gather",
    () => {
      const idx = int([2, 0, 1, 1, 0, 2, 2, 2], [2, 4]);
      return { fn: (x) => x.gather(0, idx), inputs: [leaf([3, 4])] };
    },
  ],
  [
    "gather axis 1 (repeats)",
    () => {
      const idx = int([0, 0, 3, 1, 1, 1], [3, 2]);
      return { fn: (x) => x.gather(1, idx), inputs: [leaf([3, 4])] };
    },
  ],
  ["indexSelect", () => ({ fn: (x) => x.indexSelect(1, [3, 0, 3]), inputs: [leaf([2, 4])] })],
  [
    "scatterAdd",
    () => {
      const idx = int([0, 2, 0, 1, 1, 1], [2, 3]);
      return { fn: (src) => M.scatterAdd([2, 4], 1, idx, src), inputs: [leaf([2, 3])] };
    },
  ],
  // activations
  ["softmax", () => ({ fn: (x) => A.softmax(x), inputs: [leaf([3, 4])] })],
  ["softmax axis 0", () => ({ fn: (x) => A.softmax(x, 0), inputs: [leaf([3, 4])] })],
  ["logSoftmax", () => ({ fn: (x) => A.logSoftmax(x), inputs: [leaf([3, 4])] })],
  ["logSoftmax axis 0", () => ({ fn: (x) => A.logSoftmax(x, 0), inputs: [leaf([3, 4])] })],
  ["gelu", () => ({ fn: (x) => A.gelu(x), inputs: [leaf([3, 4], -3, 3)] })],
  ["gelu tanh", () => ({ fn: (x) => A.gelu(x, "tanh"), inputs: [leaf([3, 4], -3, 3)] })],
  ["silu", () => ({ fn: (x) => A.silu(x), inputs: [leaf([3, 4], -3, 3)] })],
  ["elu", () => ({ fn: (x) => A.elu(x, 0.7), inputs: [leaf([3, 4], -3, 3, [0])] })],
  ["leakyRelu", () => ({ fn: (x) => A.leakyRelu(x, 0.1), inputs: [leaf([3, 4], -3, 3, [0])] })],
  ["softplus", () => ({ fn: (x) => A.softplus(x), inputs: [leaf([3, 4], -3, 3, [0])] })],
  ["softplus beta 2", () => ({ fn: (x) => A.softplus(x, 2, 4), inputs: [leaf([3, 4], -4, 4, [0, 2])] })],
  ["hardtanh", () => ({ fn: (x) => A.hardtanh(x), inputs: [leaf([3, 4], -2, 2, [-1, 1])] })],
  ["logSigmoid", () => ({ fn: (x) => A.logSigmoid(x), inputs: [leaf([3, 4], -3, 3, [0])] })],
  // compositions
  [
    "mlp",
    () => ({
      fn: (x, w, b) => x.matmul(w).add(b).tanh().matmul(w.T).sum(1),
      inputs: [leaf([4, 3]), leaf([3, 3]), leaf([3])],
    }),
  ],
];

/** A fixed float64 tensor that does not require grad. */
function leafConst(shape: number[]): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return fromHost(seededValues(n, 9000 + seed++), shape, leafDtype);
}

describeEachBackend("gradcheck of every differentiable op", () => {
  itNeeds("float64").each(TABLE)("%s", (_name, make) => {
    const { fn, inputs } = make();
    const r = gradcheck(fn, inputs);
    expect(r.ok, r.message).toBe(true);
    expect(r.maxAbsError).toBeLessThan(1e-6);
    // the check is not vacuous: some gradient reached every input
    for (const x of inputs) {
      if (x.requiresGrad) expect(x.grad, "a gradient was computed").not.toBe(null);
    }
  });

  itNeeds("float64")("covers every rule in GRAD_RULES", () => {
    const ops = new Set<string>();
    for (const [, make] of TABLE) {
      const { fn, inputs } = make();
      const visit = (t: Tensor) => {
        if (!t.gradFn) return;
        ops.add(t.gradFn.op);
        for (const x of t.gradFn.inputs) visit(x);
      };
      visit(fn(...inputs));
    }
    const missing = Object.keys(GRAD_RULES).filter((op) => !ops.has(op));
    expect(missing).toEqual([]);
  });
});

/** fn's gradients for every input that requires grad, of Σ fn(x)·w with gradcheck's weights (seed 1234). */
async function weightedGradients(make: () => Case): Promise<number[][]> {
  const { fn, inputs } = make();
  const probe = fn(...inputs);
  const gen = new Generator(1234);
  const w = fromHost(
    Array.from({ length: probe.size }, () => gen.normal()),
    probe.shape,
    probe.dtype,
  );
  probe.mul(w).sum().backward();
  const out: number[][] = [];
  for (const x of inputs) if (x.requiresGrad) out.push(Array.from(await x.grad!.data()));
  return out;
}

/**
 * webgpu has no float64, so no finite differences: there every rule's gradient, in float32, is checked
 * against the reference backend's float64 gradient of the same function at the same points (the rules
 * there pass gradcheck above). Tolerance 1e-4 relative + 1e-5 absolute: the functions chain up to ~10
 * float32 ops (a few ulp each, transcendental ones up to WGSL's 3 ulp + lavapipe's), far below the O(1)
 * error of a wrong rule.
 */
describeEachBackend("every grad rule in float32 against the reference backend's float64", (backend) => {
  it.skipIf(backend !== "webgpu").each(TABLE)("%s", async (_name, make) => {
    const start = seed;
    leafDtype = "float32";
    let got: number[][];
    try {
      got = await weightedGradients(make);
    } finally {
      leafDtype = "float64";
    }
    seed = start;
    let want: number[][];
    setBackend("ref");
    try {
      want = await weightedGradients(make);
    } finally {
      await setBackend(backend);
    }
    expect(got.length).toBe(want.length);
    expect(got.length).toBeGreaterThan(0);
    for (let i = 0; i < got.length; i++) await expectClose(got[i], want[i], { rtol: 1e-4, atol: 1e-5 });
  });
});
