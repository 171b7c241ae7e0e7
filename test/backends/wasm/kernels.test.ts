/**
 * Every kernel of the wasm backend against the reference backend, called directly with hand-made views
 * over the same host data: the SIMD fast paths (float32 matmul, 2-D elementwise, contiguous unary,
 * row/column reductions) and the host-kernel fallbacks (other dtypes, strided layouts, the other ops).
 * Inputs come from a seeded generator local to this file, so a failure reproduces.
 */
import { availableParallelism } from "node:os";
import { setFlagsFromString } from "node:v8";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type {
  AdamStep,
  Backend,
  BinaryOp,
  ReduceOp,
  SgdStep,
  Storage,
  UnaryOp,
  View,
} from "../../../src/backends/backend.js";
import { RefBackend } from "../../../src/backends/ref/index.js";
import { WasmBackend } from "../../../src/backends/wasm/index.js";
import type { WasmStorage } from "../../../src/backends/wasm/storage.js";
import { ALL_DTYPES, type DType, type TypedArray, allocArray } from "../../../src/base/dtype.js";
import { DisposedError } from "../../../src/base/errors.js";

/**
 * Plain-SIMD kernels, then (where the engine can be told to accept it) the relaxed-SIMD (FMA) build;
 * both with their worker threads (started in beforeAll), so large matmuls take the threaded path.
 */
const wasm = new WasmBackend({ preferRelaxedSimd: false });
setFlagsFromString("--experimental-wasm-relaxed-simd"); // Node 20 has relaxed SIMD behind this flag
const relaxed = new WasmBackend({ preferRelaxedSimd: true });
const WASMS = relaxed.relaxedSimd ? [wasm, relaxed] : [wasm];
/** One thread, plain SIMD: what the threaded results must equal bit for bit. */
const single = new WasmBackend({ preferRelaxedSimd: false, threads: 1 });
const ref = new RefBackend();

beforeAll(async () => {
  await Promise.all([...WASMS, single].map((b) => b.threadsReady()));
});
afterAll(async () => {
  await Promise.all([...WASMS, single].map((b) => b.dispose()));
});

// ---- seeded randomness (mulberry32) ----

let seed = 1;
function rand(): number {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const randInt = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
function shuffle<T>(xs: T[]): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [xs[i], xs[j]] = [xs[j], xs[i]];
  }
  return xs;
}

const SPECIALS = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 0, -0];

interface Fill {
  /** Probability that a float element is NaN, ±Infinity or ±0. */
  specials?: number;
  lo?: number;
  hi?: number;
}

function randomData(dtype: DType, n: number, fill: Fill = {}): TypedArray {
  const out = allocArray(dtype, n);
  const { specials = 0, lo = -2, hi = 2 } = fill;
  for (let i = 0; i < n; i++) {
    if (dtype === "bool") out[i] = rand() < 0.5 ? 1 : 0;
    else if (dtype === "int32") out[i] = randInt(Math.ceil(lo) * 3, Math.floor(hi) * 3);
    else out[i] = rand() < specials ? pick(SPECIALS) : lo + (hi - lo) * rand();
  }
  return out;
}

// ---- views described on the host, uploaded identically to each backend ----

/** A view described on the host: the whole storage's data plus how the view walks it. */
interface Input {
  data: TypedArray;
  dtype: DType;
  shape: number[];
  strides: number[];
  offset: number;
}

type Layout = "contig" | "offset" | "sliced" | "permuted";

const sizeOf = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

function rowMajor(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}

/**
 * A random view of `shape`: contiguous; contiguous at an offset; a slice of a larger tensor (offset ≠ 0,
 * every stride larger than row-major); or a permutation of a contiguous tensor (non-contiguous strides).
 */
function make(shape: number[], dtype: DType, layout: Layout = "contig", fill: Fill = {}): Input {
  const rank = shape.length;
  switch (layout) {
    case "contig":
      return {
        data: randomData(dtype, sizeOf(shape), fill),
        dtype,
        shape,
        strides: rowMajor(shape),
        offset: 0,
      };
    case "offset": {
      const offset = randInt(1, 9);
      const data = randomData(dtype, sizeOf(shape) + offset + 3, fill);
      return { data, dtype, shape, strides: rowMajor(shape), offset };
    }
    case "sliced": {
      const parent = shape.map((d) => d + 2);
      const strides = rowMajor(parent);
      const offset = strides.reduce((a, b) => a + b, 0);
      return { data: randomData(dtype, sizeOf(parent), fill), dtype, shape, strides, offset };
    }
    case "permuted": {
      const axes = Array.from({ length: rank }, (_, i) => i);
      let perm = shuffle([...axes]);
      // a real permutation whenever there are two axes to swap
      if (rank >= 2 && perm.every((p, i) => p === i)) perm = [...axes.slice(1), 0];
      const parent = perm.map((p) => shape[p]);
      const ps = rowMajor(parent);
      const strides = new Array<number>(rank);
      for (let j = 0; j < rank; j++) strides[perm[j]] = ps[j];
      return { data: randomData(dtype, sizeOf(shape), fill), dtype, shape, strides, offset: 0 };
    }
  }
}

/** `x` broadcast to `target` (right-aligned): stride 0 on new axes and on size-1 axes that grow. */
function bcast(x: Input, target: number[]): Input {
  const lead = target.length - x.shape.length;
  const strides = target.map((d, i) => {
    if (i < lead) return 0;
    const j = i - lead;
    return x.shape[j] === 1 && d !== 1 ? 0 : x.strides[j];
  });
  return { ...x, shape: target, strides };
}

const fromValues = (values: number[], dtype: DType, shape = [values.length]): Input => {
  const data = allocArray(dtype, values.length);
  data.set(values);
  return { data, dtype, shape, strides: rowMajor(shape), offset: 0 };
};

// ---- running a kernel on both backends and comparing ----

type Up = (x: Input) => View;
type Run = (b: Backend, up: Up) => Storage;
/** Allowed |wasm − ref| at element i: rtol·|ref| + atol (NaN must match NaN, infinities exactly). */
interface Tol {
  rtol?: number;
  atol?: number;
}

interface Outcome {
  dtype?: DType;
  data?: TypedArray;
  error?: unknown;
}

function runOn(b: Backend, run: Run): Outcome {
  const made: Storage[] = [];
  const up: Up = (x) => {
    const storage = b.upload(x.data.slice(), x.dtype);
    made.push(storage);
    return { storage, dtype: x.dtype, shape: x.shape, strides: x.strides, offset: x.offset };
  };
  try {
    const out = run(b, up);
    const data = b.readSync(out);
    expect(data.length, `${b.name}: result size`).toBe(out.size);
    b.release(out);
    return { dtype: out.dtype, data };
  } catch (error) {
    return { error };
  } finally {
    for (const s of made) b.release(s);
  }
}

/** The first element where the two results differ beyond `tol`, as a message, or null. */
function mismatch(w: TypedArray, r: TypedArray, tol: Tol): string | null {
  if (w.length !== r.length) return `length ${w.length} vs ${r.length}`;
  const { rtol = 0, atol = 0 } = tol;
  for (let i = 0; i < r.length; i++) {
    const x = w[i];
    const y = r[i];
    if (Number.isNaN(y) || Number.isNaN(x)) {
      if (Number.isNaN(x) && Number.isNaN(y)) continue;
    } else if (rtol === 0 && atol === 0) {
      if (Object.is(x, y)) continue;
    } else if (x === y || Math.abs(x - y) <= rtol * Math.abs(y) + atol) {
      continue;
    }
    return `[${i}]: wasm ${Object.is(x, -0) ? "-0" : x}, ref ${Object.is(y, -0) ? "-0" : y}`;
  }
  return null;
}

/** Runs `run` on each wasm build and on ref; results (dtype, size, values) or thrown errors must agree. */
function same(label: string, run: Run, tol: Tol = {}): void {
  const r = runOn(ref, run);
  for (const be of WASMS) {
    const w = runOn(be, run);
    const name = `${label} (${be.relaxedSimd ? "relaxed SIMD" : "SIMD"})`;
    if (r.error !== undefined || w.error !== undefined) {
      expect(w.error, `${name}: wasm should throw as ref does`).toBeDefined();
      expect(r.error, `${name}: ref should throw as wasm does`).toBeDefined();
      expect(String(w.error), name).toBe(String(r.error));
      continue;
    }
    expect(w.dtype, `${name}: dtype`).toBe(r.dtype);
    const bad = mismatch(w.data!, r.data!, tol);
    if (bad !== null) expect.fail(`${name}: ${bad}`);
  }
}

const fmt = (x: Input) => `${x.dtype}[${x.shape}] strides [${x.strides}] offset ${x.offset}`;

// every test starts from the same seed and must give back every storage it made
const ALL = [...WASMS, single, ref];
let baseline = ALL.map((b) => b.memory());
beforeEach(() => {
  seed = 0x5eed;
  baseline = ALL.map((b) => b.memory());
});
afterEach(() => {
  for (const [i, b] of ALL.entries()) expect(b.memory(), `${b.name} storages leaked`).toEqual(baseline[i]);
});

// ---- matmul ----

const MM_SIZES = [0, 1, 3, 4, 5, 7, 8, 9, 16, 17, 33, 64, 65];

/** A [m, k] operand, optionally stored transposed ([k, m] in memory) or as a slice of a wider matrix. */
function operand(rows: number, cols: number, dtype: DType, kind: "plain" | "t" | "sliced"): Input {
  const fill = { lo: -1, hi: 1 };
  if (kind === "plain") return make([rows, cols], dtype, "contig", fill);
  if (kind === "t") {
    const data = randomData(dtype, rows * cols, fill);
    return { data, dtype, shape: [rows, cols], strides: [1, rows], offset: 0 };
  }
  // a window of a [rows + 2, cols + 3] matrix starting at (1, 2): offset ≠ 0, row stride > cols
  const data = randomData(dtype, (rows + 2) * (cols + 3), fill);
  return { data, dtype, shape: [rows, cols], strides: [cols + 3, 1], offset: cols + 3 + 2 };
}

function checkMatmul(a: Input, b: Input, outShape: number[]) {
  const k = a.shape[a.shape.length - 1];
  const tol = a.dtype === "float32" ? { rtol: 1e-5 * Math.max(k, 1), atol: 1e-5 * Math.max(k, 1) } : {};
  same(`matmul ${fmt(a)} × ${fmt(b)} → [${outShape}]`, (be, up) => be.matmul(up(a), up(b), outShape), tol);
}

describe("matmul", () => {
  it("float32 over sizes m, k, n from 0 to 65 (each size in each place, plus random triples)", () => {
    const triples: [number, number, number][] = [];
    for (const s of MM_SIZES) triples.push([s, 7, 9], [5, s, 9], [5, 7, s], [s, s, s]);
    for (let i = 0; i < 40; i++) triples.push([pick(MM_SIZES), pick(MM_SIZES), pick(MM_SIZES)]);
    for (const [m, k, n] of triples) {
      checkMatmul(operand(m, k, "float32", "plain"), operand(k, n, "float32", "plain"), [m, n]);
    }
  });

  it("float32 with transposed and sliced operands", () => {
    const kinds = ["plain", "t", "sliced"] as const;
    for (let i = 0; i < 60; i++) {
      const [m, k, n] = [pick(MM_SIZES), pick(MM_SIZES), pick(MM_SIZES)];
      const ka = kinds[i % 3];
      const kb = kinds[Math.floor(i / 3) % 3];
      checkMatmul(operand(m, k, "float32", ka), operand(k, n, "float32", kb), [m, n]);
    }
  });

  it("float32 batched, with a broadcast (stride 0) batch axis on either side", () => {
    for (const [m, k, n] of [
      [3, 5, 7],
      [8, 16, 9],
      [17, 4, 33],
      [1, 1, 1],
      [4, 0, 5],
    ]) {
      // a: [2, 3, m, k]; b: [3, k, n] broadcast to [2, 3, k, n]
      const a = make([2, 3, m, k], "float32");
      const b = bcast(make([3, k, n], "float32"), [2, 3, k, n]);
      checkMatmul(a, b, [2, 3, m, n]);
      // a: [1, 3, m, k] broadcast on axis 0, b permuted batch axes and transposed matrix axes
      const a2 = bcast(make([1, 3, m, k], "float32", "sliced"), [2, 3, m, k]);
      const b2 = make([2, 3, k, n], "float32", "permuted");
      checkMatmul(a2, b2, [2, 3, m, n]);
      // the same matrix for every batch position (both operands broadcast)
      const a3 = bcast(operand(m, k, "float32", "t"), [4, m, k]);
      const b3 = make([4, k, n], "float32", "offset");
      checkMatmul(a3, b3, [4, m, n]);
    }
  });

  it("threaded (large m·k·n, n ≥ 16): equal to one thread bit for bit, and to ref within tolerance", () => {
    if (availableParallelism() > 1) expect(wasm.threads, "worker threads started").toBeGreaterThan(1);
    const sizes = ["64,64,64", "65,65,65", "100,70,77", "17,1000,33", "300,40,23", "8,4096,16", "3,2000,129"];
    const kinds = ["plain", "t", "sliced"] as const;
    for (const [i, mkn] of sizes.entries()) {
      const [m, k, n] = mkn.split(",").map(Number);
      const a = operand(m, k, "float32", kinds[i % 3]);
      const b = operand(k, n, "float32", kinds[(i + 1) % 3]);
      checkMatmul(a, b, [m, n]);
      const run: Run = (be, up) => be.matmul(up(a), up(b), [m, n]);
      const bad = mismatch(runOn(wasm, run).data!, runOn(single, run).data!, {});
      if (bad !== null) expect.fail(`matmul [${m}, ${k}, ${n}] threaded vs one thread: ${bad}`);
    }
    // batched, with a broadcast operand
    const a = make([3, 70, 90], "float32", "sliced", { lo: -1, hi: 1 });
    const b = bcast(operand(90, 50, "float32", "t"), [3, 90, 50]);
    checkMatmul(a, b, [3, 70, 50]);
  });

  it("float64 and int32 (host fallback)", () => {
    for (const dtype of ["float64", "int32"] as const) {
      for (const [m, k, n] of [
        [3, 5, 7],
        [9, 17, 4],
        [0, 3, 2],
        [2, 0, 3],
      ]) {
        checkMatmul(operand(m, k, dtype, "t"), operand(k, n, dtype, "sliced"), [m, n]);
        checkMatmul(make([2, m, k], dtype), bcast(make([k, n], dtype), [2, k, n]), [2, m, n]);
      }
    }
  });
});

// ---- binary ----

const ARITH: BinaryOp[] = ["add", "sub", "mul", "div", "pow", "maximum", "minimum"];
const COMPARE: BinaryOp[] = ["eq", "ne", "lt", "le", "gt", "ge"];
const LOGIC: BinaryOp[] = ["and", "or"];
const ALL_BINARY = [...ARITH, ...COMPARE, ...LOGIC];

/** "out | a | b": each operand's shape, broadcast to the output shape ("" is rank 0). */
const shapes = (spec: string): number[][] =>
  spec.split("|").map((t) => (t.trim() === "" ? [] : t.trim().split(",").map(Number)));

const BINARY_SHAPES = [
  // same shape, odd lengths
  "1 | 1 | 1",
  "3 | 3 | 3",
  "5 | 5 | 5",
  "7 | 7 | 7",
  "1025 | 1025 | 1025",
  "6,7 | 6,7 | 6,7",
  // empty
  "0 | 0 | 0",
  "3,0 | 3,0 | 3,0",
  "0,4 | 0,4 | 1,4",
  // scalar operand (rank 0 or all ones), either side
  "4,5 | 4,5 | ",
  "4,5 | | 4,5",
  "9 | 1 | 9",
  " | | ",
  // row and column broadcasts
  "6,7 | 6,7 | 7",
  "6,7 | 1,7 | 6,7",
  "6,7 | 6,7 | 6,1",
  "6,7 | 6,1 | 6,7",
  "6,7 | 6,1 | 1,7",
  "6,7 | 6,1 | 6,1",
  "5,1025 | 5,1025 | 5,1",
  // 3-D / 4-D broadcasts that collapse to 2-D
  "2,3,4 | 2,3,4 | 3,4",
  "2,3,4 | 2,3,4 | 2,3,1",
  "2,3,5,7 | 2,3,5,7 | 1,1,5,7",
  "2,3,5,7 | 2,3,1,1 | 2,3,5,7",
  // ... and ones that do not
  "2,3,4 | 2,3,4 | 2,1,4",
  "2,3,4 | 1,3,1 | 2,3,4",
  "2,3,5,7 | 2,3,5,7 | 1,3,1,7",
  "2,3,5,7 | 2,1,5,1 | 1,3,1,7",
  // size-1 axes among real ones
  "3,1,5 | 3,1,5 | 3,1,5",
  "1,4,1,3 | 1,4,1,3 | 1,1,1,3",
  // rows of 16 and more (the compare kernel takes 16 lanes at a time), broadcast either way
  "4,16 | 4,16 | 4,16",
  "3,37 | 3,37 | 37",
  "3,37 | 3,1 | 3,37",
  "2,33 | | 2,33",
  "5,48 | 5,1 | 1,48",
].map(shapes) as [number[], number[], number[]][];

function binaryOut(op: BinaryOp, dtype: DType): DType {
  return COMPARE.includes(op) || LOGIC.includes(op) ? "bool" : dtype;
}

function checkBinary(op: BinaryOp, a: Input, b: Input, outShape: number[], outDtype: DType) {
  same(`${op} ${fmt(a)}, ${fmt(b)} → ${outDtype}[${outShape}]`, (be, up) =>
    be.binary(op, up(a), up(b), outShape, outDtype),
  );
}

/** Weird strides on size-1 axes must be ignored by every kernel. */
function oddUnitStrides(x: Input): Input {
  return { ...x, strides: x.strides.map((s, i) => (x.shape[i] === 1 ? 999 : s)) };
}

describe("binary", () => {
  it("float32, every op, every broadcast pattern, contiguous operands with NaN/±Infinity/±0", () => {
    for (const op of ALL_BINARY) {
      for (const [out, sa, sb] of BINARY_SHAPES) {
        const a = bcast(make(sa, "float32", "contig", { specials: 0.15 }), out);
        const b = bcast(make(sb, "float32", "contig", { specials: 0.15 }), out);
        checkBinary(op, a, b, out, binaryOut(op, "float32"));
      }
    }
  });

  it("float32 on offset, sliced and permuted (non-contiguous) operands", () => {
    const layouts: Layout[] = ["offset", "sliced", "permuted"];
    for (const op of ALL_BINARY) {
      for (const [out, sa, sb] of BINARY_SHAPES) {
        for (const la of layouts) {
          const lb = pick<Layout>(["contig", ...layouts]);
          const a = bcast(make(sa, "float32", la, { specials: 0.1 }), out);
          const b = bcast(make(sb, "float32", lb, { specials: 0.1 }), out);
          checkBinary(op, a, b, out, binaryOut(op, "float32"));
          checkBinary(op, b, a, out, binaryOut(op, "float32"));
        }
      }
    }
  });

  it("size-1 axes with arbitrary strides", () => {
    for (const op of ["add", "maximum", "div", "lt"] as BinaryOp[]) {
      for (const [out, sa, sb] of BINARY_SHAPES) {
        const a = oddUnitStrides(bcast(make(sa, "float32", "sliced"), out));
        const b = oddUnitStrides(bcast(make(sb, "float32", "offset"), out));
        checkBinary(op, a, b, out, binaryOut(op, "float32"));
      }
    }
  });

  it("max/min propagate NaN; comparisons with NaN, ±0, ±Infinity match; at every lane position", () => {
    // every pair of specials, at every lane position of a vector and in the scalar tail
    const vals = [...SPECIALS, 1, -1];
    const xs: number[] = [];
    const ys: number[] = [];
    for (const x of vals) {
      for (const y of vals) {
        xs.push(x);
        ys.push(y);
      }
    }
    for (let shift = 0; shift < 4; shift++) {
      const a = fromValues([...xs.slice(shift), ...xs.slice(0, shift), 2, 3, 4], "float32");
      const b = fromValues([...ys.slice(shift), ...ys.slice(0, shift), 5, -6, 7], "float32");
      for (const op of ["maximum", "minimum", "add", "sub", "mul", "div", ...COMPARE] as BinaryOp[]) {
        const outDtype = binaryOut(op, "float32");
        checkBinary(op, a, b, a.shape, outDtype);
        // scalar operand on either side, so the splat paths see every special too
        for (let i = 0; i < vals.length; i++) {
          const s = bcast(fromValues([vals[i]], "float32", []), a.shape);
          checkBinary(op, s, b, a.shape, outDtype);
          checkBinary(op, a, s, a.shape, outDtype);
        }
      }
    }
  });

  it("int32, float64 and bool operands (host fallback), float32 inputs with other output dtypes", () => {
    for (const [out, sa, sb] of BINARY_SHAPES.filter((_, i) => i % 3 === 0)) {
      for (const dtype of ["int32", "float64", "bool"] as DType[]) {
        for (const op of ALL_BINARY) {
          const a = bcast(make(sa, dtype, pick<Layout>(["contig", "permuted"]), { specials: 0.1 }), out);
          const b = bcast(make(sb, dtype, pick<Layout>(["contig", "sliced"]), { specials: 0.1 }), out);
          checkBinary(op, a, b, out, binaryOut(op, dtype));
        }
      }
      // float32 inputs written as float64 (no fast path)
      const a = bcast(make(sa, "float32"), out);
      const b = bcast(make(sb, "float32"), out);
      for (const op of ARITH) checkBinary(op, a, b, out, "float64");
    }
  });
});

// ---- unary ----

const UNARY_OPS: UnaryOp[] = [
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
const BOOL_RESULT: UnaryOp[] = ["not", "isnan", "isinf"];
/** Ops whose float32 wasm kernel computes in a different library than the reference's Math. */
const TRANSCENDENTAL: UnaryOp[] = ["exp", "log", "tanh", "sigmoid"];

/** Values that hit every branch: negatives (log, sqrt → NaN), halves (round), large (exp overflow). */
function unaryInput(shape: number[], dtype: DType, layout: Layout): Input {
  const x = make(shape, dtype, layout, { specials: 0.1, lo: -6, hi: 6 });
  if (dtype === "float32" || dtype === "float64") {
    const extremes = [-100, 100, 89, -104, 0.5, -0.5, 2.5, -1.5, 1e-7, -1e-30, 1e30];
    for (let i = 0; i < x.data.length; i++) {
      const r = rand();
      if (r < 0.1) x.data[i] = pick(extremes);
      else if (r < 0.2) x.data[i] = Math.round(x.data[i] * 2) / 2;
    }
  }
  return x;
}

function checkUnary(op: UnaryOp, x: Input, outDtype: DType) {
  // both compute in float64 and round once; atol is one float32 subnormal step (exp(-100), sigmoid(-100))
  const tol = TRANSCENDENTAL.includes(op) && outDtype === "float32" ? { rtol: 1e-6, atol: 1.5e-45 } : {};
  same(`${op} ${fmt(x)} → ${outDtype}`, (be, up) => be.unary(op, up(x), outDtype), tol);
}

describe("unary", () => {
  it("float32, every op, contiguous (odd lengths, empty, offset) and strided", () => {
    const shapes = [[0], [1], [3], [5], [7], [8], [1025], [], [3, 0], [4, 7], [2, 3, 5]];
    for (const op of UNARY_OPS) {
      const outDtype = BOOL_RESULT.includes(op) ? "bool" : "float32";
      for (const shape of shapes) {
        for (const layout of ["contig", "offset", "sliced", "permuted"] as Layout[]) {
          checkUnary(op, unaryInput(shape, "float32", layout), outDtype);
        }
      }
    }
  });

  it("every special value at every lane position", () => {
    const vals = [...SPECIALS, -1, 1, -2.5, 1e30, -1e30, 100, -100];
    for (let shift = 0; shift < 4; shift++) {
      const x = fromValues([...vals.slice(shift), ...vals.slice(0, shift), 0.25, -0.75, 3], "float32");
      for (const op of UNARY_OPS) checkUnary(op, x, BOOL_RESULT.includes(op) ? "bool" : "float32");
    }
  });

  it("float64, int32 and bool inputs (host fallback)", () => {
    for (const op of UNARY_OPS) {
      for (const dtype of ["float64", "int32", "bool"] as DType[]) {
        const outDtype = BOOL_RESULT.includes(op) ? "bool" : dtype === "float64" ? "float64" : "float32";
        checkUnary(op, unaryInput([5, 7], dtype, pick<Layout>(["contig", "permuted"])), outDtype);
      }
    }
  });
});

// ---- reduce, argReduce ----

const REDUCE_OPS: ReduceOp[] = ["sum", "max", "min"];

function subsets(rank: number): number[][] {
  const out: number[][] = [];
  for (let mask = 0; mask < 1 << rank; mask++) {
    out.push(Array.from({ length: rank }, (_, i) => i).filter((i) => mask & (1 << i)));
  }
  return out;
}

/** Sums may differ by rounding: bound the difference by the sum of magnitudes. */
function checkReduce(op: ReduceOp, x: Input, axes: number[]) {
  let tol: Tol = {};
  if (op === "sum" && x.dtype === "float32") {
    let mag = 0;
    for (const v of x.data) if (Number.isFinite(v)) mag = Math.max(mag, Math.abs(v));
    tol = { rtol: 1e-6, atol: 1e-6 * mag * Math.max(1, sizeOf(x.shape)) };
  }
  same(`reduce ${op} ${fmt(x)} axes [${axes}]`, (be, up) => be.reduce(op, up(x), axes), tol);
}

describe("reduce", () => {
  const shapes = [[7], [0], [3, 5], [4, 9], [5, 0], [0, 3], [2, 3, 5], [1, 4, 1], [2, 3, 4, 5], [3, 1, 2, 9]];

  it("float32, sum/max/min over every axis subset of 1-D..4-D shapes, every layout", () => {
    for (const shape of shapes) {
      for (const axes of subsets(shape.length)) {
        for (const op of REDUCE_OPS) {
          for (const layout of ["contig", "offset", "sliced", "permuted"] as Layout[]) {
            checkReduce(op, make(shape, "float32", layout), axes);
          }
        }
      }
    }
  });

  it("NaN propagates and ±Infinity is kept, at every lane position, along rows and columns", () => {
    for (const special of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      for (const [rows, cols] of [
        [3, 1],
        [3, 5],
        [4, 8],
        [5, 13],
        [2, 1025],
      ]) {
        for (let at = 0; at < Math.min(cols, 9); at++) {
          const x = make([rows, cols], "float32");
          x.data[(rows - 1) * cols + at] = special;
          x.data[at] = special;
          for (const op of REDUCE_OPS) {
            for (const axes of [[0], [1], [0, 1]]) checkReduce(op, x, axes);
          }
        }
      }
    }
    // random specials in 3-D and 4-D
    for (const shape of [
      [3, 4, 5],
      [2, 3, 4, 5],
    ]) {
      for (const axes of subsets(shape.length)) {
        for (const op of REDUCE_OPS) {
          checkReduce(
            op,
            make(shape, "float32", pick<Layout>(["contig", "permuted"]), { specials: 0.05 }),
            axes,
          );
        }
      }
    }
  });

  it("long rows and columns (10,000 elements) sum within 1e-5 of the float64 reference", () => {
    const cases: [number[], number[]][] = [
      [[10_000], [0]],
      [[3, 10_000], [1]],
      [[10_000, 3], [0]],
      [
        [2, 5_000, 2],
        [0, 1],
      ],
      [
        [100, 100],
        [0, 1],
      ],
    ];
    for (const [shape, axes] of cases) {
      for (const fill of [
        { lo: 0, hi: 1 },
        { lo: 1000, hi: 1001 },
      ]) {
        const x = make(shape, "float32", "contig", fill);
        same(`long sum ${fmt(x)} axes [${axes}]`, (be, up) => be.reduce("sum", up(x), axes), { rtol: 1e-5 });
        // mixed signs: the error bound is relative to the sum of magnitudes
        const y = make(shape, "float32", "contig", { lo: -1, hi: 1 });
        const n = sizeOf(axes.map((a) => shape[a]));
        same(`long signed sum ${fmt(y)} axes [${axes}]`, (be, up) => be.reduce("sum", up(y), axes), {
          atol: 1e-5 * n * 0.5,
        });
        for (const op of ["max", "min"] as const) checkReduce(op, x, axes);
      }
    }
  });

  function constant(shape: number[], value: number): Input {
    const x = make(shape, "float32");
    x.data.fill(value);
    return x;
  }

  it("sums rows that defeat naive float32 accumulation (10,000 × 0.1; 2^24 then ones) within 1e-5", () => {
    // naive float32 summation of 10,000 × 0.1 is off by 1e-4; of [2^24, 1, 1, ...] it loses every 1
    for (const x of [constant([4, 10_000], 0.1), constant([3, 10_001], 0.3), constant([10_000], 1.1)]) {
      const axes = [x.shape.length - 1];
      same(`sum ${fmt(x)} axes [${axes}]`, (be, up) => be.reduce("sum", up(x), axes), { rtol: 1e-5 });
    }
    const y = constant([2, 10_000], 1);
    for (let r = 0; r < 2; r++) for (let j = 0; j < 4; j++) y.data[r * 10_000 + j] = 2 ** 24;
    same("sum of 2^24 ×4 then ones", (be, up) => be.reduce("sum", up(y), [1]), { rtol: 1e-5 });
  });

  // KNOWN BUG (reported, not fixed here): reduce_cols_f32 (leading-axis float32 sums, e.g. sum over the
  // batch axis) accumulates each column in float32 across all rows: 10,000 rows of 0.1 sum to 999.903
  // (1e-4 relative error; 100,000 rows: 1e-3), where the row kernel and the reference are within 1e-6.
  // Remove `.fails` once the column kernel accumulates in blocks (f32 per block, f64 across blocks).
  it("sums long columns (10,000 rows × 0.1) within 1e-5 of the float64 reference", () => {
    for (const x of [constant([10_000, 4], 0.1), constant([10_000, 3], 0.3), constant([10_001, 16], 1.1)]) {
      same(`sum ${fmt(x)} axes [0]`, (be, up) => be.reduce("sum", up(x), [0]), { rtol: 1e-5 });
    }
  });

  it("float64, int32 and bool (host fallback)", () => {
    for (const dtype of ["float64", "int32", "bool"] as DType[]) {
      for (const shape of [
        [3, 5],
        [2, 3, 4],
      ]) {
        for (const axes of subsets(shape.length)) {
          for (const op of REDUCE_OPS) {
            checkReduce(
              op,
              make(shape, dtype, pick<Layout>(["contig", "permuted"]), { specials: 0.1 }),
              axes,
            );
          }
        }
      }
    }
  });

  it("argReduce over every axis, with ties and NaN", () => {
    for (const dtype of ["float32", "float64", "int32", "bool"] as DType[]) {
      for (const shape of [[7], [3, 5], [2, 3, 4], [2, 1, 3, 4]]) {
        for (let axis = 0; axis < shape.length; axis++) {
          for (const layout of ["contig", "sliced", "permuted"] as Layout[]) {
            const x = make(shape, dtype, layout, { specials: 0.1 });
            // ties: round floats to a few values
            if (dtype.startsWith("float") && rand() < 0.5)
              for (let i = 0; i < x.data.length; i++) x.data[i] = Math.round(x.data[i]);
            for (const op of ["argmax", "argmin"] as const) {
              same(`${op} ${fmt(x)} axis ${axis}`, (be, up) => be.argReduce(op, up(x), axis));
            }
          }
        }
      }
    }
  });
});

// ---- where, cast, pad, concat, gather, scatterAdd (host kernels over wasm memory) ----

describe("movement and selection", () => {
  it("where with broadcast condition and operands, every dtype", () => {
    const cases: [number[], number[], number[], number[]][] = [
      [[7], [7], [7], [7]],
      [[4, 5], [4, 1], [5], []],
      [
        [2, 3, 4],
        [3, 4],
        [2, 1, 4],
        [2, 3, 4],
      ],
      [[0, 3], [0, 3], [3], [1]],
    ];
    for (const dtype of ALL_DTYPES) {
      for (const [out, sc, sa, sb] of cases) {
        const c = bcast(make(sc, "bool", pick<Layout>(["contig", "permuted"])), out);
        const a = bcast(make(sa, dtype, pick<Layout>(["contig", "sliced"]), { specials: 0.1 }), out);
        const b = bcast(make(sb, dtype, pick<Layout>(["offset", "permuted"]), { specials: 0.1 }), out);
        same(`where ${fmt(c)} ${fmt(a)} ${fmt(b)}`, (be, up) => be.where(up(c), up(a), up(b), out, dtype));
      }
    }
  });

  it("where on float32 (SIMD path): every broadcast pattern and layout, NaN and ±0 kept", () => {
    for (const [out, sa, sb] of BINARY_SHAPES) {
      // the condition takes each operand's shape in turn, and the output's
      for (const sc of [out, sa, sb]) {
        const lc = pick<Layout>(["contig", "offset", "sliced", "permuted"]);
        const c = bcast(make(sc, "bool", lc), out);
        const a = bcast(make(sa, "float32", pick<Layout>(["contig", "sliced"]), { specials: 0.2 }), out);
        const lb = pick<Layout>(["contig", "offset", "permuted"]);
        const b = bcast(make(sb, "float32", lb, { specials: 0.2 }), out);
        same(`where ${fmt(c)} ${fmt(a)} ${fmt(b)}`, (be, up) =>
          be.where(up(c), up(a), up(b), out, "float32"),
        );
      }
    }
  });

  it("same-dtype cast (a strided copy) of float32 and int32 views", () => {
    const cases = [
      "1025 | 1025",
      "17,19 | 17,19",
      "64,9 | 64,9",
      "3,0 | 3,0",
      "5,7 | 7",
      "5,7 | 5,1",
      "4,6 | ",
      "2,3,4 | 2,3,4",
      "2,3,4 | 2,1,4",
      "1,9,1 | 1,9,1",
    ].map(shapes);
    for (const dtype of ["float32", "int32"] as const) {
      for (const [shape, from] of cases) {
        for (const layout of ["contig", "offset", "sliced", "permuted"] as Layout[]) {
          const x = oddUnitStrides(bcast(make(from, dtype, layout, { specials: 0.2 }), shape));
          same(`cast ${fmt(x)} → ${dtype}`, (be, up) => be.cast(up(x), dtype));
        }
      }
    }
  });

  it("cast between every pair of dtypes, contiguous and strided", () => {
    const special = [
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      -0,
      2.5,
      -2.5,
      0.7,
      -0.7,
      3e9,
      -3e9,
      2 ** 31 - 1,
      -(2 ** 31),
      256,
      1e-45,
      1e40,
    ];
    for (const from of ALL_DTYPES) {
      for (const to of ALL_DTYPES) {
        for (const layout of ["contig", "offset", "permuted"] as Layout[]) {
          const x = make([3, 7], from, layout, { specials: 0.1, lo: -5, hi: 5 });
          for (let i = 0; i < x.data.length; i++) if (rand() < 0.4) x.data[i] = pick(special);
          same(`cast ${fmt(x)} → ${to}`, (be, up) => be.cast(up(x), to));
        }
      }
    }
  });

  it("pad", () => {
    const cases: [number[], [number, number][], number][] = [
      [[5], [[2, 3]], 0],
      [
        [3, 4],
        [
          [1, 2],
          [0, 3],
        ],
        -1.5,
      ],
      [
        [2, 3, 4],
        [
          [0, 0],
          [1, 1],
          [2, 0],
        ],
        7,
      ],
      [
        [0, 3],
        [
          [1, 1],
          [0, 2],
        ],
        1,
      ],
      [
        [2, 1, 3],
        [
          [0, 1],
          [3, 0],
          [0, 0],
        ],
        Number.NaN,
      ],
    ];
    for (const dtype of ALL_DTYPES) {
      for (const [shape, pads, value] of cases) {
        for (const layout of ["contig", "sliced", "permuted"] as Layout[]) {
          const x = make(shape, dtype, layout, { specials: 0.1 });
          same(`pad ${fmt(x)} ${JSON.stringify(pads)} ${value}`, (be, up) => be.pad(up(x), pads, value));
        }
      }
    }
  });

  it("concat along every axis, mixed layouts and empty pieces", () => {
    const cases: [number[][], number][] = [
      [
        [
          [2, 3],
          [4, 3],
          [1, 3],
        ],
        0,
      ],
      [
        [
          [2, 1],
          [2, 5],
          [2, 0],
        ],
        1,
      ],
      [
        [
          [2, 3, 4],
          [2, 1, 4],
        ],
        1,
      ],
      [
        [
          [2, 3, 4],
          [2, 3, 1],
          [2, 3, 6],
        ],
        2,
      ],
      [
        [
          [0, 3],
          [3, 3],
        ],
        0,
      ],
      [[[7]], 0],
    ];
    for (const dtype of ALL_DTYPES) {
      for (const [shapes, axis] of cases) {
        const xs = shapes.map((s) =>
          make(s, dtype, pick<Layout>(["contig", "offset", "sliced", "permuted"])),
        );
        const out = [...shapes[0]];
        out[axis] = shapes.reduce((acc, s) => acc + s[axis], 0);
        same(`concat ${xs.map(fmt).join(", ")} axis ${axis}`, (be, up) =>
          be.concat(
            xs.map((x) => up(x)),
            axis,
            out,
          ),
        );
      }
    }
  });

  /** An int32 index of `shape` with values in [0, len), in a random layout. */
  function indexInput(shape: number[], len: number): Input {
    const idx = make(shape, "int32", pick<Layout>(["contig", "sliced", "permuted"]));
    for (let i = 0; i < idx.data.length; i++) idx.data[i] = randInt(0, len - 1);
    return idx;
  }

  it("gather along every axis", () => {
    for (const dtype of ALL_DTYPES) {
      for (const shape of [[6], [4, 5], [3, 4, 5]]) {
        for (let axis = 0; axis < shape.length; axis++) {
          const x = make(shape, dtype, pick<Layout>(["contig", "sliced", "permuted"]), { specials: 0.1 });
          // the index may be longer or shorter than x along `axis`, and not longer elsewhere
          const ishape = shape.map((d, i) => (i === axis ? randInt(1, 7) : randInt(1, d)));
          const index = indexInput(ishape, shape[axis]);
          same(`gather ${fmt(x)} axis ${axis} index ${fmt(index)}`, (be, up) =>
            be.gather(up(x), axis, up(index)),
          );
        }
      }
    }
  });

  it("scatterAdd along every axis, with repeated indices", () => {
    for (const dtype of ["float32", "float64", "int32"] as DType[]) {
      for (const shape of [[6], [4, 5], [3, 4, 5]]) {
        for (let axis = 0; axis < shape.length; axis++) {
          const ishape = shape.map((d, i) => (i === axis ? randInt(1, 9) : randInt(1, d)));
          const index = indexInput(ishape, shape[axis]);
          const src = make(ishape, dtype, pick<Layout>(["contig", "offset", "permuted"]));
          same(
            `scatterAdd [${shape}] axis ${axis} index ${fmt(index)} src ${fmt(src)}`,
            (be, up) => be.scatterAdd(shape, dtype, axis, up(index), up(src)),
            dtype === "float32" ? { rtol: 1e-6, atol: 1e-6 } : {},
          );
        }
      }
    }
  });

  it("gather and scatterAdd reject an out-of-range index alike, and leak nothing", () => {
    for (const bad of [5, -1]) {
      const index = fromValues([0, 2, bad, 1], "int32", [2, 2]);
      const src = make([2, 2], "float32");
      const x = make([5, 2], "float32");
      let thrown = 0;
      for (const be of ALL) {
        const run: Run = (b, up) => b.scatterAdd([5, 2], "float32", 0, up(index), up(src));
        const out = runOn(be, run);
        expect(String(out.error)).toMatch(/scatterAdd: index -?\d+ is out of range for axis 0 of size 5/);
        const g = runOn(be, (b, up) => b.gather(up(x), 0, up(index)));
        expect(String(g.error)).toMatch(/gather: index -?\d+ is out of range for axis 0 of size 5/);
        thrown++;
      }
      expect(thrown).toBe(ALL.length);
    }
  });
});

// ---- fused optimizer kernels (wasm only; checked against the composed update, op by op in float32) ----

const f32 = Math.fround;

/** Adam/AdamW as src/optim/adam.ts composes it: each op rounded to float32, scalars made in float64. */
function adamReference(p: number, g: number, m0: number, v0: number, h: AdamStep): [number, number, number] {
  let d = h.maximize ? -g : g;
  let param = p;
  if (h.weightDecay !== 0) {
    if (h.decoupled) param = f32(p * f32(1 - h.lr * h.weightDecay));
    else d = f32(d + f32(p * f32(h.weightDecay)));
  }
  const m = f32(f32(m0 * f32(h.beta1)) + f32(d * f32(1 - h.beta1)));
  const v = f32(f32(v0 * f32(h.beta2)) + f32(f32(d * d) * f32(1 - h.beta2)));
  const denom = f32(f32(f32(Math.sqrt(v)) / f32(h.biasCorrection2Sqrt)) + f32(h.eps));
  return [f32(param - f32(f32(m / denom) * f32(h.lr / h.biasCorrection1))), m, v];
}

/** SGD as src/optim/sgd.ts composes it (the buffer starts as the gradient). */
function sgdReference(p: number, g: number, buf: number | null, h: SgdStep): [number, number | null] {
  let d = h.maximize ? -g : g;
  if (h.weightDecay !== 0) d = f32(d + f32(p * f32(h.weightDecay)));
  let b: number | null = null;
  if (h.momentum !== 0) {
    b = buf === null ? d : f32(f32(buf * f32(h.momentum)) + f32(d * f32(1 - h.dampening)));
    d = h.nesterov ? f32(d + f32(b * f32(h.momentum))) : b;
  }
  return [f32(p - f32(d * f32(h.lr))), b];
}

/** Hyperparameters and operands round through float32 in the kernel: a few float32 ulps. */
const FUSED_TOL: Tol = { rtol: 1e-6, atol: 1e-9 };

function expectCloseSync(label: string, got: TypedArray, want: number[]) {
  const bad = mismatch(got, Float32Array.from(want), FUSED_TOL);
  if (bad !== null) expect.fail(`${label}: ${bad}`);
}

describe("fused optimizer kernels", () => {
  const lengths = [0, 1, 3, 4, 5, 7, 1025];

  /** Runs one fused Adam step on `be` and returns its three outputs, releasing everything it made. */
  function runAdam(be: Backend, ins: Input[], h: AdamStep): TypedArray[] {
    const made: Storage[] = [];
    const views = ins.map((x) => {
      const storage = be.upload(x.data.slice(), x.dtype);
      made.push(storage);
      return { storage, dtype: x.dtype, shape: x.shape, strides: x.strides, offset: x.offset };
    });
    const outs = be.fused!.adamStep!(views[0], views[1], views[2], views[3], h);
    const got = outs.map((o) => be.readSync(o));
    for (const s of [...outs, ...made]) be.release(s);
    return got;
  }

  function checkAdam(n: number, betas: [number, number], o: Partial<AdamStep> & { step: number }) {
    const [beta1, beta2] = betas;
    const { step, ...rest } = o;
    const h: AdamStep = {
      lr: 2 ** -10,
      beta1,
      beta2,
      eps: 1e-8,
      weightDecay: 0,
      decoupled: false,
      maximize: false,
      biasCorrection1: 1 - beta1 ** step,
      biasCorrection2Sqrt: Math.sqrt(1 - beta2 ** step),
      ...rest,
    };
    // operands at an offset, as a view into a larger storage can be
    const p = make([n], "float32", "offset");
    const g = make([n], "float32", "offset");
    const m0 = make([n], "float32", "offset", { lo: -0.1, hi: 0.1 });
    const v0 = make([n], "float32", "offset", { lo: 0, hi: 0.01 });
    if (step === 1) {
      m0.data.fill(0);
      v0.data.fill(0);
    }
    const want: number[][] = [[], [], []];
    for (let i = 0; i < n; i++) {
      const at = (x: Input) => x.data[x.offset + i];
      const r = adamReference(at(p), at(g), at(m0), at(v0), h);
      for (let j = 0; j < 3; j++) want[j].push(r[j]);
    }
    for (const be of WASMS) {
      expect(be.fused?.adamStep, "wasm has a fused Adam step").toBeDefined();
      const got = runAdam(be, [p, g, m0, v0], h);
      const label = `adam n ${n} ${JSON.stringify(h)} (${be.relaxedSimd ? "relaxed " : ""}SIMD)`;
      for (const j of [0, 1, 2]) expectCloseSync(`${label} output ${j}`, got[j], want[j]);
    }
  }

  const adamCases: (Partial<AdamStep> & { step: number })[] = [
    { step: 1 },
    { step: 3, weightDecay: 2 ** -7 },
    { step: 1, weightDecay: 2 ** -7, decoupled: true },
    { step: 10, decoupled: true, maximize: true },
    { step: 1000, weightDecay: 2 ** -4, maximize: true },
  ];

  it("adamStep: Adam and AdamW, with and without weight decay, maximize, at several steps", () => {
    // betas whose 1 − β is exact in float32, so the kernel's float32 hyperparameters lose nothing
    for (const n of lengths) for (const c of adamCases) checkAdam(n, [0.875, 1 - 2 ** -9], c);
  });

  // KNOWN BUG (reported, not fixed here): adam_f32 takes β1, β2 as float32 and forms 1 − β in float32,
  // so 1 − 0.999 becomes 0.00099998713 instead of 0.001: the second moment is 1.3e-5 (β2 = 0.9999:
  // 1.7e-4) too small against the composed update (and PyTorch), which round 1 − β from float64.
  // Remove `.fails` once the kernel gets 1 − β (and lr·wd, lr / bc1) computed in float64.
  it("adamStep with the default betas (0.9, 0.999) matches the composed update", () => {
    for (const c of adamCases) checkAdam(7, [0.9, 0.999], c);
  });

  it("sgdStep: plain, momentum (first step and later), dampening, Nesterov, weight decay, maximize", () => {
    for (const be of WASMS) {
      const sgd = be.fused?.sgdStep;
      expect(sgd, "wasm has a fused SGD step").toBeDefined();
      for (const n of lengths) {
        for (const [momentum, dampening, nesterov, weightDecay, maximize, first] of [
          [0, 0, false, 0, false, true],
          [0, 0, false, 0.01, true, true],
          [0.9, 0, false, 0, false, true],
          [0.9, 0, false, 0, false, false],
          [0.9, 0.1, false, 0.001, false, false],
          [0.9, 0, true, 0.001, true, false],
          [0.5, 0, true, 0, false, true],
        ] as [number, number, boolean, number, boolean, boolean][]) {
          const h: SgdStep = { lr: 0.05, momentum, dampening, nesterov, weightDecay, maximize };
          const p = make([n], "float32", "offset");
          const g = make([n], "float32");
          const buf = momentum !== 0 && !first ? make([n], "float32", "offset") : null;
          const made: Storage[] = [];
          const up = (x: Input): View => {
            const storage = be.upload(x.data.slice(), x.dtype);
            made.push(storage);
            return { storage, dtype: x.dtype, shape: x.shape, strides: x.strides, offset: x.offset };
          };
          const [po, bo] = sgd!(up(p), up(g), buf ? up(buf) : null, h);
          const gotP = be.readSync(po);
          const gotB = bo ? be.readSync(bo) : null;
          for (const s of [po, ...(bo ? [bo] : []), ...made]) be.release(s);
          const wantP: number[] = [];
          const wantB: number[] = [];
          for (let i = 0; i < n; i++) {
            const b0 = buf ? buf.data[buf.offset + i] : null;
            const [pn, bn] = sgdReference(p.data[p.offset + i], g.data[i], b0, h);
            wantP.push(pn);
            if (bn !== null) wantB.push(bn);
          }
          const label = `sgd n ${n} ${JSON.stringify({ ...h, first })}`;
          expectCloseSync(`${label} param`, gotP, wantP);
          if (momentum === 0) expect(gotB, `${label}: no momentum buffer`).toBeNull();
          else expectCloseSync(`${label} buffer`, gotB!, wantB);
        }
      }
    }
  });
});

// ---- memory ----

describe("memory", () => {
  it("storages and bytes return to where they were after every result and input is released", () => {
    const before = wasm.memory();
    const a = wasm.upload(new Float32Array([1, 2, 3, 4, 5, 6]), "float32");
    const va: View = { storage: a, dtype: "float32", shape: [2, 3], strides: [3, 1], offset: 0 };
    const vt: View = { ...va, shape: [3, 2], strides: [1, 3] };
    const outs = [
      wasm.matmul(va, vt, [2, 2]),
      wasm.binary("add", va, va, [2, 3], "float32"),
      wasm.binary("pow", va, va, [2, 3], "float32"),
      wasm.unary("exp", va, "float32"),
      wasm.unary("sin", vt, "float32"),
      wasm.reduce("sum", va, [1]),
      wasm.reduce("max", vt, [0]),
      wasm.argReduce("argmax", va, 1),
      wasm.cast(va, "int32"),
      wasm.pad(
        va,
        [
          [1, 1],
          [0, 0],
        ],
        0,
      ),
      wasm.concat([va, va], 0, [4, 3]),
    ];
    expect(wasm.memory().storages).toBe(before.storages + 1 + outs.length);
    for (const s of outs) wasm.release(s);
    wasm.release(a);
    wasm.release(a); // idempotent
    expect(wasm.memory()).toEqual(before);
  });

  it("reuses freed heap blocks: free then allocate the same size gives the same address", () => {
    for (const n of [1, 16, 100, 1000, 300_000]) {
      const s1 = wasm.upload(new Float32Array(n), "float32") as WasmStorage;
      const p = s1.ptr;
      expect(p % 64).toBe(0);
      wasm.release(s1);
      const s2 = wasm.upload(new Float32Array(n).fill(2), "float32") as WasmStorage;
      expect(s2.ptr).toBe(p);
      // a reused block holds the new data, not the old
      expect(Array.from(wasm.readSync(s2).slice(0, 3))).toEqual([2, 2, 2].slice(0, Math.min(3, n)));
      wasm.release(s2);
    }
  });

  it("a reused block starts zeroed for the host kernels (which accumulate into their output)", () => {
    const junk = wasm.upload(new Float32Array(64).fill(123), "float32");
    wasm.release(junk);
    const index = fromValues([0, 1, 1, 3], "int32");
    const src = fromValues([1, 2, 3, 4], "float32");
    same("scatterAdd into a reused block", (be, up) => be.scatterAdd([64], "float32", 0, up(index), up(src)));
  });

  it("fill writes every element, in a reused block too; maxElements is the heap's cap", () => {
    const junk = wasm.upload(new Float32Array(100).fill(123), "float32");
    wasm.release(junk);
    const z = wasm.fill("float32", 100, 0);
    expect((z as WasmStorage).ptr).toBe((junk as WasmStorage).ptr);
    expect(Array.from(wasm.readSync(z))).toEqual(new Array(100).fill(0));
    const b = wasm.fill("bool", 3, 1);
    const i = wasm.fill("int32", 2, -5);
    expect(Array.from(wasm.readSync(b))).toEqual([1, 1, 1]);
    expect(Array.from(wasm.readSync(i))).toEqual([-5, -5]);
    for (const t of [z, b, i]) wasm.release(t);
    expect(wasm.maxElements("float32")).toBe((4 * 2 ** 30 - 2 ** 20) / 4);
    expect(wasm.maxElements("float64")).toBe((4 * 2 ** 30 - 2 ** 20) / 8);
  });

  it("uses freed storage after release is an error", () => {
    const s = wasm.upload(new Float32Array(4), "float32");
    wasm.release(s);
    expect(() => wasm.readSync(s)).toThrow(DisposedError);
    expect(() => wasm.readSync(s)).toThrow(/after release/);
  });

  it("a 64 MiB allocation grows the memory and the kernels work on it", () => {
    const b = new WasmBackend();
    const before = b.wasmMemory.buffer.byteLength;
    const n = 16 * 2 ** 20; // 64 MiB of float32
    const data = new Float32Array(n);
    for (let i = 0; i < n; i++) data[i] = (i % 7) - 3;
    const s = b.upload(data, "float32");
    expect(b.wasmMemory.buffer.byteLength).toBeGreaterThan(before);
    expect(b.wasmMemory.buffer.byteLength).toBeGreaterThanOrEqual((s as WasmStorage).ptr + n * 4);
    const x: View = { storage: s, dtype: "float32", shape: [n / 1024, 1024], strides: [1024, 1], offset: 0 };
    const neg = b.unary("neg", x, "float32");
    const out = b.readSync(neg);
    expect(out[0]).toBe(3);
    expect(out[n - 1]).toBe(-((n - 1) % 7) + 3);
    const rows = b.reduce("sum", x, [1]);
    const r = b.readSync(rows);
    // each row of 1024 = 146 full cycles of 0..6 (sum 0) plus 2 more elements
    for (const i of [0, 1, n / 1024 - 1]) {
      let expected = 0;
      for (let j = 0; j < 1024; j++) expected += ((i * 1024 + j) % 7) - 3;
      expect(r[i]).toBe(expected);
    }
    for (const t of [s, neg, rows]) b.release(t);
    expect(b.memory()).toEqual({ storages: 0, bytes: 0 });
  });
});

describe("fused linear kernels", () => {
  /** A [rows, cols] float32 matrix with the copy of it stored transposed ([cols, rows] in memory). */
  function pair(rows: number, cols: number): [Input, Input] {
    const plain = make([rows, cols], "float32", "contig", { lo: -1, hi: 1 });
    const data = allocArray("float32", rows * cols);
    for (let i = 0; i < rows; i++)
      for (let j = 0; j < cols; j++) data[j * rows + i] = plain.data[i * cols + j];
    return [plain, { data, dtype: "float32", shape: [rows, cols], strides: [1, rows], offset: 0 }];
  }

  const read = (be: Backend, run: Run) => {
    const o = runOn(be, run);
    if (o.error !== undefined) throw o.error;
    return o.data!;
  };
  const expectSame = (label: string, got: TypedArray, want: TypedArray) => {
    const bad = mismatch(got, want, {});
    if (bad !== null) expect.fail(`${label}: ${bad}`);
  };

  it("matmul with a transposed B (a weight Wᵀ) gives the bits of the same B stored plainly, for every m", () => {
    // m < 4 takes the unpacked path, m ≥ 4 packs Wᵀ with 4×4 transposes: both must equal the plain path
    for (const be of [...WASMS, single]) {
      for (const m of [1, 2, 3, 4, 5, 9, 32]) {
        for (const [k, n] of [
          [4, 120],
          [120, 84],
          [84, 2],
          [1, 1],
          [5, 3],
          [7, 9],
          [8, 16],
          [33, 17],
          [0, 5],
        ]) {
          const a = operand(m, k, "float32", m % 2 ? "plain" : "sliced");
          const [plain, t] = pair(k, n);
          const want = read(be, (b, up) => b.matmul(up(a), up(plain), [m, n]));
          const got = read(be, (b, up) => b.matmul(up(a), up(t), [m, n]));
          expectSame(`[${m}, ${k}] × Wᵀ [${k}, ${n}] (${be.relaxedSimd ? "relaxed " : ""}SIMD)`, got, want);
        }
      }
    }
  });

  it("linear equals matmul, add and relu run one after another, bit for bit (NaN and ±0 included)", () => {
    for (const be of WASMS) {
      const linear = be.fused?.linear;
      expect(linear, "wasm has a fused linear").toBeDefined();
      for (const m of [0, 1, 3, 4, 32]) {
        for (const [k, n] of [
          [4, 120],
          [120, 84],
          [84, 2],
          [5, 7],
          [9, 1],
        ]) {
          const x = make([m, k], "float32", m === 3 ? "sliced" : "contig", { lo: -1, hi: 1 });
          const w = make([n, k], "float32", "contig", { lo: -1, hi: 1 });
          const bias = make([n], "float32", "offset", { lo: -1, hi: 1 });
          if (n > 2) bias.data[bias.offset + 1] = Number.NaN;
          const wt = { ...w, shape: [k, n], strides: [1, k] };
          for (const withBias of [false, true]) {
            for (const relu of [false, true]) {
              const want = read(be, (b, up) => {
                let y = b.matmul(up(x), up(wt), [m, n]);
                if (withBias) {
                  const bv = up(bcast(bias, [m, n]));
                  const s = b.binary(
                    "add",
                    { storage: y, dtype: "float32", shape: [m, n], strides: [n, 1], offset: 0 },
                    bv,
                    [m, n],
                    "float32",
                  );
                  b.release(y);
                  y = s;
                }
                if (relu) {
                  const r = b.unary(
                    "relu",
                    { storage: y, dtype: "float32", shape: [m, n], strides: [n, 1], offset: 0 },
                    "float32",
                  );
                  b.release(y);
                  y = r;
                }
                return y;
              });
              const got = read(be, (b, up) =>
                b.fused!.linear!(up(x), up(w), withBias ? up(bias) : null, relu),
              );
              expectSame(`linear [${m}, ${k}] · [${n}, ${k}]ᵀ bias ${withBias} relu ${relu}`, got, want);
            }
          }
        }
      }
    }
  });

  it("reluGrad equals where(y > 0, g, 0), bit for bit", () => {
    const special = [0, -0, 1, -1, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1e-40];
    for (const be of WASMS) {
      for (const n of [0, 1, 3, 4, 5, 8, 33]) {
        const y = make([n], "float32", "contig", { lo: -1, hi: 1 });
        const g = make([n], "float32", "contig", { lo: -1, hi: 1 });
        for (let i = 0; i < n; i++) {
          if (i % 3 === 0) y.data[i] = special[i % special.length];
          if (i % 4 === 1) g.data[i] = special[(i + 3) % special.length];
        }
        const zero = fromValues([0], "float32", []);
        const want = read(be, (b, up) => {
          const yv = up(y);
          const cond = b.binary("gt", yv, up(bcast(zero, [n])), [n], "bool");
          const out = b.where(
            { storage: cond, dtype: "bool", shape: [n], strides: [1], offset: 0 },
            up(g),
            up(bcast(zero, [n])),
            [n],
            "float32",
          );
          b.release(cond);
          return out;
        });
        const got = read(be, (b, up) => b.fused!.reluGrad!(up(y), up(g)));
        expectSame(`reluGrad n ${n}`, got, want);
      }
    }
  });
});
