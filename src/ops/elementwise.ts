import type { BinaryOp, BoolUnaryOp, CompareOp, UnaryOp } from "../backends/backend.js";
import { backendOf, record, wrap, derive } from "../core/dispatch.js";
import { type DType, isFloat, promoteTypes, toFloat } from "../base/dtype.js";
import { checkTensor, describeValue, isTensor } from "../core/args.js";
import { ArgumentError, DTypeError } from "../base/errors.js";
import { broadcastShapes, broadcastStrides } from "../base/shape.js";
import type { Tensor, TensorLike } from "../core/tensor.js";
import { fromHost } from "./creation.js";

/** A number operand becomes a 0-d tensor of the other operand's kind (ints stay ints for integer values). */
export function asTensor(x: TensorLike, like: Tensor): Tensor {
  if (typeof x !== "number") return x;
  const dtype: DType = isFloat(like.dtype) ? like.dtype : Number.isInteger(x) ? "int32" : "float32";
  return fromHost([x], [], dtype);
}

/** `x` read at a broadcast `shape` without copying (stride 0 on broadcast axes). */
export function broadcastView(x: Tensor, shape: readonly number[]) {
  return {
    storage: x.storage,
    dtype: x.dtype,
    shape,
    strides: broadcastStrides(x.shape, x.strides, shape),
    offset: x.offset,
  };
}

const FLOAT_RESULT = new Set<UnaryOp>([
  "exp",
  "log",
  "sqrt",
  "sin",
  "cos",
  "tanh",
  "sigmoid",
  "erf",
  "log1p",
  "expm1",
  "reciprocal",
]);
const BOOL_RESULT = new Set<UnaryOp>(["not", "isnan", "isinf"]);
const boolResult = (op: UnaryOp): op is BoolUnaryOp => BOOL_RESULT.has(op);

/** Applies a unary primitive; float-valued functions of ints give float32, as in PyTorch. */
export function unaryOp(op: UnaryOp, x: Tensor): Tensor {
  const outDtype: DType = BOOL_RESULT.has(op)
    ? "bool"
    : FLOAT_RESULT.has(op)
      ? toFloat(x.dtype)
      : x.dtype === "bool"
        ? "int32"
        : x.dtype;
  const b = backendOf(op, x);
  const out = wrap(b, b.unary(op, x, outDtype), x.shape);
  return boolResult(op) ? derive(out, [x]) : record(out, op, [x]);
}

const COMPARE = new Set<BinaryOp>(["eq", "ne", "lt", "le", "gt", "ge", "and", "or"]);
const compare = (op: BinaryOp): op is CompareOp => COMPARE.has(op);

/** An operand of a binary op: a tensor or a number (a Dataset, an array or a typed array is named). */
function checkOperand(op: string, name: string, v: unknown): void {
  if (typeof v !== "number" && !isTensor(v)) {
    throw new ArgumentError(`${op}: ${name} must be a Tensor or a number, got ${describeValue(v)}`);
  }
}

/** Applies a binary primitive with numpy broadcasting and PyTorch's type promotion. */
export function binaryOp(op: BinaryOp, a: TensorLike, b: TensorLike): Tensor {
  checkOperand(op, "x", a);
  checkOperand(op, "other", b);
  if (typeof a === "number" && typeof b === "number")
    throw new DTypeError(`${op}: at least one operand must be a tensor`);
  const ta = typeof a === "number" ? asTensor(a, b as Tensor) : a;
  const tb = typeof b === "number" ? asTensor(b, ta) : b;
  const shape = broadcastShapes(op, ta.shape, tb.shape);
  let dtype = promoteTypes(ta.dtype, tb.dtype);
  if (op === "div" || (op === "pow" && dtype === "bool")) dtype = toFloat(dtype);
  if (dtype === "bool" && !COMPARE.has(op)) dtype = "int32";
  const outDtype: DType = COMPARE.has(op) ? "bool" : dtype;
  const backend = backendOf(op, ta, tb);
  // kernels see both operands in the result dtype, so int+float never mixes representations
  const ca = ta.dtype === dtype ? ta : castRaw(ta, dtype);
  const cb = tb.dtype === dtype ? tb : castRaw(tb, dtype);
  const out = wrap(
    backend,
    backend.binary(op, broadcastView(ca, shape), broadcastView(cb, shape), shape, outDtype),
    shape,
  );
  if (ca !== ta) ca.dispose();
  if (cb !== tb) cb.dispose();
  return compare(op) ? derive(out, [ta, tb]) : record(out, op, [ta, tb]);
}

function castRaw(x: Tensor, dtype: DType): Tensor {
  const b = backendOf("cast", x);
  return record(wrap(b, b.cast(x, dtype), x.shape), "cast", [x], { from: x.dtype });
}

/**
 * A copy converted to `dtype`; differentiable between float types.
 * @example tensor([1.7, -1.7]).cast("int32") // [1, -1]
 */
export function cast(x: Tensor, dtype: DType): Tensor {
  const out = castRaw(x, dtype);
  if (!isFloat(dtype) && out.gradFn) {
    out.gradFn = null;
    out.requiresGrad = false;
  }
  return out;
}

/** `x` itself when it is already a float tensor, else a float32 copy (for ops defined on reals). */
export function asFloat(x: Tensor): Tensor {
  return isFloat(x.dtype) ? x : cast(x, "float32");
}

/**
 * `cond ? a : b` elementwise, broadcasting all three.
 * @example where(x.gt(0), x, 0) // relu
 */
export function where(cond: Tensor, a: TensorLike, b: TensorLike): Tensor {
  checkTensor("where", "condition", cond);
  checkOperand("where", "x", a);
  checkOperand("where", "other", b);
  if (cond.dtype !== "bool") throw new DTypeError(`where: condition must be bool, got ${cond.dtype}`);
  const ta = typeof a === "number" ? asTensor(a, typeof b === "number" ? asTensor(b, cond) : b) : a;
  const tb = typeof b === "number" ? asTensor(b, ta) : b;
  const shape = broadcastShapes("where", broadcastShapes("where", cond.shape, ta.shape), tb.shape);
  const dtype = promoteTypes(ta.dtype, tb.dtype);
  const ca = ta.dtype === dtype ? ta : cast(ta, dtype);
  const cb = tb.dtype === dtype ? tb : cast(tb, dtype);
  const backend = backendOf("where", cond, ca, cb);
  const storage = backend.where(
    broadcastView(cond, shape),
    broadcastView(ca, shape),
    broadcastView(cb, shape),
    shape,
    dtype,
  );
  return record(wrap(backend, storage, shape), "where", [cond, ca, cb]);
}

export const add = (a: TensorLike, b: TensorLike) => binaryOp("add", a, b);
export const sub = (a: TensorLike, b: TensorLike) => binaryOp("sub", a, b);
export const mul = (a: TensorLike, b: TensorLike) => binaryOp("mul", a, b);
export const div = (a: TensorLike, b: TensorLike) => binaryOp("div", a, b);
export const pow = (a: TensorLike, b: TensorLike) => binaryOp("pow", a, b);
export const maximum = (a: TensorLike, b: TensorLike) => binaryOp("maximum", a, b);
export const minimum = (a: TensorLike, b: TensorLike) => binaryOp("minimum", a, b);
export const eq = (a: TensorLike, b: TensorLike) => binaryOp("eq", a, b);
export const ne = (a: TensorLike, b: TensorLike) => binaryOp("ne", a, b);
export const lt = (a: TensorLike, b: TensorLike) => binaryOp("lt", a, b);
export const le = (a: TensorLike, b: TensorLike) => binaryOp("le", a, b);
export const gt = (a: TensorLike, b: TensorLike) => binaryOp("gt", a, b);
export const ge = (a: TensorLike, b: TensorLike) => binaryOp("ge", a, b);
export const logicalAnd = (a: TensorLike, b: TensorLike) => binaryOp("and", a, b);
export const logicalOr = (a: TensorLike, b: TensorLike) => binaryOp("or", a, b);

export const neg = (x: Tensor) => unaryOp("neg", x);
export const exp = (x: Tensor) => unaryOp("exp", x);
export const log = (x: Tensor) => unaryOp("log", x);
export const sqrt = (x: Tensor) => unaryOp("sqrt", x);
export const abs = (x: Tensor) => unaryOp("abs", x);
export const sign = (x: Tensor) => unaryOp("sign", x);
export const sin = (x: Tensor) => unaryOp("sin", x);
export const cos = (x: Tensor) => unaryOp("cos", x);
export const tanh = (x: Tensor) => unaryOp("tanh", x);
export const sigmoid = (x: Tensor) => unaryOp("sigmoid", x);
export const relu = (x: Tensor) => unaryOp("relu", x);
export const floor = (x: Tensor) => unaryOp("floor", x);
export const ceil = (x: Tensor) => unaryOp("ceil", x);
export const round = (x: Tensor) => unaryOp("round", x);
export const erf = (x: Tensor) => unaryOp("erf", x);
export const log1p = (x: Tensor) => unaryOp("log1p", x);
export const expm1 = (x: Tensor) => unaryOp("expm1", x);
export const reciprocal = (x: Tensor) => unaryOp("reciprocal", x);
export const logicalNot = (x: Tensor) => unaryOp("not", x);
export const isNaN = (x: Tensor) => unaryOp("isnan", x);
export const isInf = (x: Tensor) => unaryOp("isinf", x);
export const isFinite = (x: Tensor) => logicalNot(logicalOr(isNaN(x), isInf(x)));
export const square = (x: Tensor) => mul(x, x);
export const rsqrt = (x: Tensor) => reciprocal(sqrt(x));

/** Limits values to [min, max]; the gradient passes where the value was inside the range. */
export function clip(x: Tensor, min?: number, max?: number): Tensor {
  // where() rather than maximum/minimum: the gradient passes at the bounds too, as torch.clamp's does
  let y = x;
  if (min !== undefined) y = where(lt(y, min), asTensor(min, x), y);
  if (max !== undefined) y = where(gt(y, max), asTensor(max, x), y);
  return y === x ? clone(x) : y;
}

function clone(x: Tensor): Tensor {
  return add(x, 0);
}
