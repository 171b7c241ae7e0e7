import { describe, expect, it } from "vitest";
import type { Backend, BinaryOp, Storage, UnaryOp, View } from "../../../src/backends/backend.js";
import { RefBackend } from "../../../src/backends/ref/index.js";
import { type DType, type TypedArray, allocArray } from "../../../src/base/dtype.js";
import { BackendError } from "../../../src/base/errors.js";
import { contiguousStrides, sizeOf } from "../../../src/base/shape.js";
import { WebGpuBackend } from "../../../src/backends/webgpu/index.js";
import { closeF32, webgpuOrSkip } from "../../helpers/webgpu.js";

/**
 * The kernel contract on webgpu: every kernel of the table, on random shapes (rank 0 to 4) and on
 * contiguous, transposed, offset and broadcast (stride 0) views, for each dtype, against the reference
 * backend run on the same views. Tolerances (float32 only; int32 and bool must match exactly):
 * - exact ops (neg, abs, sign, relu, floor, ceil, round, comparisons, add/sub/mul/div, min/max, cast,
 *   where, pad, concat, gather, copies): exact, since WGSL's f32 arithmetic rounds like the reference's
 *   float32 store of a float64 result for one operation;
 * - transcendental ops: |diff| ≤ 2e-6 + 4e-6·|expected| (a few ulp; WGSL allows exp/log 3 + 2|x| ulp);
 * - pow: 2e-6 + 2e-5·|expected| (exp2(y·log2 x) carries log2's error times y);
 * - sums: 1e-5·sqrt(n)·max|x| absolute (float32 tree sum vs the reference's float64 sum);
 * - matmul: 1e-5·k relative to the sum of |a||b| terms (float32 accumulation over k).
 */
const made = await webgpuOrSkip("webgpu kernels");
// KERNEL_FORMS=tiled tests the workgroup-memory matmul and tree reduce that GPUs get (lavapipe gets
// the barrier-free forms by default); both runs are in the suite (kernels_tiled.test.ts)
const gpu =
  made && process.env.STRATA_WEBGPU_TILED === "1"
    ? new WebGpuBackend(made.device, made.adapterName, { directKernels: false })
    : made;
const ref = new RefBackend();

let seed = 12345;
function rand(): number {
  seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
  return seed / 2 ** 32;
}
const randInt = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));

function randomShape(maxRank = 4): number[] {
  const rank = randInt(0, maxRank);
  return Array.from({ length: rank }, () => randInt(1, 5));
}

const SPECIAL = [
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  -0,
  0,
  0.5,
  -0.5,
  1.5,
  2.5,
  -2.5,
];

function values(dtype: DType, n: number, special: boolean): TypedArray {
  const out = allocArray(dtype, n);
  for (let i = 0; i < n; i++) {
    if (dtype === "bool") out[i] = rand() < 0.5 ? 1 : 0;
    else if (dtype === "int32") out[i] = randInt(-9, 9);
    else out[i] = special && rand() < 0.15 ? SPECIAL[randInt(0, SPECIAL.length - 1)] : (rand() * 2 - 1) * 4;
  }
  return out;
}

type Layout = "contiguous" | "transposed" | "offset" | "broadcast";
const LAYOUTS: Layout[] = ["contiguous", "transposed", "offset", "broadcast"];

/** The same view of the same values on both backends: a storage laid out per `layout`, seen at `shape`. */
function makeView(shape: number[], dtype: DType, layout: Layout, special = true): [View, View] {
  const rank = shape.length;
  let storageShape = [...shape];
  let perm = shape.map((_, i) => i);
  if (layout === "transposed" && rank >= 2) perm = perm.reverse();
  if (layout === "broadcast") storageShape = shape.map((d) => (rand() < 0.5 ? 1 : d));
  const permuted = perm.map((p) => storageShape[p]);
  const ps = contiguousStrides(permuted);
  const strides = new Array<number>(rank).fill(0);
  perm.forEach((p, i) => {
    strides[p] = ps[i];
  });
  for (let d = 0; d < rank; d++) if (storageShape[d] === 1 && shape[d] !== 1) strides[d] = 0;
  const offset = layout === "offset" ? 3 : 0;
  const data = values(dtype, sizeOf(storageShape) + offset + (layout === "offset" ? 2 : 0), special);
  const on = (b: Backend): View => ({
    storage: b.upload(data.slice(), dtype),
    dtype,
    shape,
    strides,
    offset,
  });
  return [on(ref), on(gpu as Backend)];
}

async function compare(
  what: string,
  r: Storage,
  g: Storage,
  dtype: DType,
  rtol = 0,
  atol = 0,
): Promise<void> {
  const expected = ref.readSync(r);
  const actual = await (gpu as Backend).read(g);
  expect(actual.constructor, what).toBe(expected.constructor);
  if (dtype === "float32" || dtype === "float64") {
    const err = closeF32(actual, expected, rtol, atol);
    expect(err, `${what}: ${err}`).toBeNull();
  } else {
    expect(Array.from(actual), what).toEqual(Array.from(expected));
  }
  (gpu as Backend).release(g);
}

const TRANSCENDENTAL = new Set<UnaryOp>([
  "exp",
  "log",
  "sin",
  "cos",
  "tanh",
  "sigmoid",
  "erf",
  "log1p",
  "expm1",
  "sqrt",
  "reciprocal",
]);
const UNARY: UnaryOp[] = [
  "neg",
  "exp",
  "log",
  "sqrt",
  "abs",
  "sign",
  "sin",
  "cos",
  "tanh",
  "sigmoid",
  "relu",
  "floor",
  "ceil",
  "round",
  "erf",
  "log1p",
  "expm1",
  "reciprocal",
  "not",
  "isnan",
  "isinf",
];
const BINARY: BinaryOp[] = [
  "add",
  "sub",
  "mul",
  "div",
  "pow",
  "maximum",
  "minimum",
  "eq",
  "ne",
  "lt",
  "le",
  "gt",
  "ge",
  "and",
  "or",
];
const BOOL_OUT = new Set(["not", "isnan", "isinf", "eq", "ne", "lt", "le", "gt", "ge", "and", "or"]);

describe.skipIf(gpu === null)(
  `webgpu kernels against the reference backend (${gpu?.cpuAdapter ? "barrier-free" : "tiled"} matmul/reduce)`,
  () => {
    const g = gpu as NonNullable<typeof gpu>;

    it("uploads, fills and reads every dtype (bool travels as u32), and refuses float64", async () => {
      for (const dtype of ["float32", "int32", "bool"] as const) {
        const data = values(dtype, 37, true);
        expect(Array.from(await g.read(g.upload(data, dtype)))).toEqual(Array.from(data));
        const filled = await g.read(g.fill(dtype, 5, dtype === "bool" ? 1 : -2.5));
        expect(Array.from(filled)).toEqual(
          Array.from(ref.readSync(ref.fill(dtype, 5, dtype === "bool" ? 1 : -2.5))),
        );
      }
      expect(g.supports("float64")).toBe(false);
      expect(() => g.readSync(g.fill("float32", 1, 0))).toThrow(BackendError);
      expect(() => g.readSync(g.fill("float32", 1, 0))).toThrow(/await t\.data\(\)/);
    });

    it("releases deterministically and reuses buffers of the same size", () => {
      const before = g.memory();
      const s = g.fill("float32", 100, 1);
      expect(g.memory().storages - before.storages).toBe(1);
      expect(g.memory().bytes - before.bytes).toBe(400);
      g.release(s);
      expect(g.memory()).toEqual(before);
      const pooled = g.pooled();
      const again = g.fill("float32", 100, 2);
      expect(g.pooled()).toBe(pooled - 400);
      g.release(again);
    });

    it("unary: every op on float32 views of every layout, and the integer ops on int32 and bool", async () => {
      for (const op of UNARY) {
        for (const layout of LAYOUTS) {
          const shape = randomShape();
          const [r, gv] = makeView(shape, "float32", layout);
          const out = BOOL_OUT.has(op) ? "bool" : "float32";
          const tol = TRANSCENDENTAL.has(op) ? [4e-6, 2e-6] : [0, 0];
          await compare(
            `${op} ${layout} [${shape}]`,
            ref.unary(op, r, out),
            g.unary(op, gv, out),
            out,
            tol[0],
            tol[1],
          );
        }
      }
      for (const op of [
        "neg",
        "abs",
        "sign",
        "relu",
        "floor",
        "ceil",
        "round",
        "not",
        "exp",
        "sqrt",
      ] as UnaryOp[]) {
        for (const dtype of ["int32", "bool"] as const) {
          const [r, gv] = makeView(randomShape(), dtype, "transposed");
          const out: DType = BOOL_OUT.has(op) ? "bool" : ["exp", "sqrt"].includes(op) ? "float32" : "int32";
          await compare(`${op} ${dtype}`, ref.unary(op, r, out), g.unary(op, gv, out), out, 4e-6, 2e-6);
        }
      }
    });

    it("binary: every op with broadcasting, NaN/Inf operands, on float32, int32 and bool", async () => {
      for (const op of BINARY) {
        for (const dtype of ["float32", "int32", "bool"] as const) {
          if (dtype === "bool" && !BOOL_OUT.has(op)) continue;
          for (const layout of LAYOUTS) {
            const shape = randomShape();
            const [ra, ga] = makeView(shape, dtype, layout);
            const [rb, gb] = makeView(shape, dtype, LAYOUTS[randInt(0, 3)]);
            const out: DType = BOOL_OUT.has(op) ? "bool" : dtype;
            const tol = op === "pow" ? [2e-5, 2e-6] : [0, 0];
            await compare(
              `${op} ${dtype} ${layout} [${shape}]`,
              ref.binary(op, ra, rb, shape, out),
              g.binary(op, ga, gb, shape, out),
              out,
              tol[0],
              tol[1],
            );
          }
        }
      }
    });

    it("pow follows Math.pow on negative bases, zeros and infinities", async () => {
      const xs = [-2, -2, -0.5, 0, -0, 0, 1, 1, Number.NaN, 2, -8, Number.POSITIVE_INFINITY, -3];
      const ys = [3, 0.5, 2, -1, -3, 0, Number.POSITIVE_INFINITY, Number.NaN, 0, 10, 1 / 3, -1, 4];
      const n = xs.length;
      const view = (b: Backend, v: number[]): View => ({
        storage: b.upload(Float32Array.from(v), "float32"),
        dtype: "float32",
        shape: [n],
        strides: [1],
        offset: 0,
      });
      await compare(
        "pow specials",
        ref.binary("pow", view(ref, xs), view(ref, ys), [n], "float32"),
        g.binary("pow", view(g, xs), view(g, ys), [n], "float32"),
        "float32",
        2e-5,
        2e-6,
      );
    });

    it("where and cast between every pair of dtypes", async () => {
      for (const dtype of ["float32", "int32", "bool"] as const) {
        for (const layout of LAYOUTS) {
          const shape = randomShape();
          const [rc, gc] = makeView(shape, "bool", layout);
          const [ra, ga] = makeView(shape, dtype, LAYOUTS[randInt(0, 3)]);
          const [rb, gb] = makeView(shape, dtype, LAYOUTS[randInt(0, 3)]);
          await compare(
            `where ${dtype} ${layout}`,
            ref.where(rc, ra, rb, shape, dtype),
            g.where(gc, ga, gb, shape, dtype),
            dtype,
          );
          for (const to of ["float32", "int32", "bool"] as const) {
            await compare(`cast ${dtype}→${to} ${layout}`, ref.cast(ra, to), g.cast(ga, to), to);
          }
        }
      }
    });

    it("reduce sum/max/min over any axes (bool sums to int32), NaN wins max/min", async () => {
      for (const op of ["sum", "max", "min"] as const) {
        for (const dtype of ["float32", "int32", "bool"] as const) {
          for (const layout of LAYOUTS) {
            const shape = randomShape();
            const axes = shape.map((_, i) => i).filter(() => rand() < 0.5);
            const [r, gv] = makeView(shape, dtype, layout, op !== "sum");
            const n = Math.max(1, sizeOf(shape));
            const outDtype = dtype === "bool" && op === "sum" ? "int32" : dtype;
            await compare(
              `${op} ${dtype} ${layout} [${shape}] axes ${axes}`,
              ref.reduce(op, r, axes),
              g.reduce(op, gv, axes),
              outDtype,
              0,
              4e-5 * Math.sqrt(n),
            );
          }
        }
      }
      // a long sum: the tree reduction across the workgroup
      const [r, gv] = makeView([3, 5000], "float32", "transposed", false);
      await compare(
        "sum long",
        ref.reduce("sum", r, [1]),
        g.reduce("sum", gv, [1]),
        "float32",
        0,
        4e-5 * Math.sqrt(5000),
      );
    });

    it("argmax/argmin along each axis: first extreme, NaN counts as the extreme", async () => {
      for (const op of ["argmax", "argmin"] as const) {
        for (const dtype of ["float32", "int32"] as const) {
          for (const layout of LAYOUTS) {
            const shape = randomShape();
            if (shape.length === 0) shape.push(3);
            const axis = randInt(0, shape.length - 1);
            const [r, gv] = makeView(shape, dtype, layout);
            await compare(
              `${op} ${dtype} ${layout}`,
              ref.argReduce(op, r, axis),
              g.argReduce(op, gv, axis),
              "int32",
            );
          }
        }
      }
    });

    it("matmul: any strides, batched with broadcast batch strides, ragged sizes past the tile", async () => {
      const cases: [number[], number[], number[]][] = [
        [
          [3, 4],
          [4, 5],
          [3, 5],
        ],
        [
          [37, 19],
          [19, 41],
          [37, 41],
        ],
        [
          [2, 3, 17, 33],
          [1, 3, 33, 18],
          [2, 3, 17, 18],
        ],
        [
          [1, 70],
          [70, 1],
          [1, 1],
        ],
        // large enough that blocks × elements passes 2^31 (an index overflow once hid there)
        [
          [450, 24],
          [24, 460],
          [450, 460],
        ],
      ];
      for (const [as, bs, os] of cases) {
        for (const layout of ["contiguous", "transposed", "offset", "broadcast"] as Layout[]) {
          for (const dtype of ["float32", "int32"] as const) {
            const [ra, ga] = makeView(as, dtype, layout, false);
            const [rb, gb] = makeView(bs, dtype, LAYOUTS[randInt(0, 3)], false);
            const ex = (v: View): View => ({
              ...v,
              shape: [...os.slice(0, -2), ...v.shape.slice(-2)],
              strides: [
                ...os.slice(0, -2).map((_, i) => (v.shape[i] === 1 ? 0 : v.strides[i])),
                ...v.strides.slice(-2),
              ],
            });
            const k = as[as.length - 1];
            await compare(
              `matmul ${dtype} ${layout} ${as}×${bs}`,
              ref.matmul(ex(ra), ex(rb), os),
              g.matmul(ex(ga), ex(gb), os),
              dtype,
              1e-5 * k,
              1e-5 * k * 16,
            );
          }
        }
      }
    });

    it("pad, concat, gather and scatterAdd on strided views", async () => {
      for (const dtype of ["float32", "int32", "bool"] as const) {
        for (const layout of LAYOUTS) {
          const shape = randomShape(3);
          if (shape.length === 0) shape.push(2);
          const [r, gv] = makeView(shape, dtype, layout);
          const pads = shape.map(() => [randInt(0, 2), randInt(0, 2)] as const);
          const value = dtype === "bool" ? 1 : -1.5;
          await compare(`pad ${dtype} ${layout}`, ref.pad(r, pads, value), g.pad(gv, pads, value), dtype);
          const axis = randInt(0, shape.length - 1);
          const other = [...shape];
          other[axis] = randInt(1, 3);
          const [r2, g2] = makeView(other, dtype, LAYOUTS[randInt(0, 3)]);
          const outShape = [...shape];
          outShape[axis] += other[axis];
          await compare(
            `concat ${dtype} ${layout}`,
            ref.concat([r, r2], axis, outShape),
            g.concat([gv, g2], axis, outShape),
            dtype,
          );
          if (dtype === "bool") continue;
          // gather: an index of a random shape no larger than x off the axis
          const ishape = shape.map((d, i) => (i === axis ? randInt(1, 6) : randInt(1, d)));
          const idx = Int32Array.from({ length: sizeOf(ishape) }, () => randInt(0, shape[axis] - 1));
          const iv = (b: Backend): View => ({
            storage: b.upload(idx.slice(), "int32"),
            dtype: "int32",
            shape: ishape,
            strides: contiguousStrides(ishape),
            offset: 0,
          });
          await compare(
            `gather ${dtype} ${layout}`,
            ref.gather(r, axis, iv(ref)),
            g.gather(gv, axis, iv(g)),
            dtype,
          );
          const [rs, gs] = makeView(ishape, dtype, layout, false);
          await compare(
            `scatterAdd ${dtype} ${layout}`,
            ref.scatterAdd(shape, dtype, axis, iv(ref), rs),
            g.scatterAdd(shape, dtype, axis, iv(g), gs),
            dtype,
          );
        }
      }
    });

    it("compiles each (kernel, dtypes, op) pipeline once", () => {
      const n = g.pipelineCount();
      const v: View = {
        storage: g.fill("float32", 4, 1),
        dtype: "float32",
        shape: [4],
        strides: [1],
        offset: 0,
      };
      g.release(g.unary("exp", v, "float32"));
      g.release(g.unary("exp", v, "float32"));
      expect(g.pipelineCount()).toBe(n);
    });
  },
);
