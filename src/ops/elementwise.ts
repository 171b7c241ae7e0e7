import type { BinaryOp, BoolUnaryOp, CompareOp, UnaryOp } from "../backends/backend.js";
import { backendOf, record, wrap, derive } from "../core/dispatch.js";
import { type DType, isFloat, promoteTypes, toFloat } from "../base/dtype.js";
import { checkTensor, describeValue, isTensor } from "../core/args.js";
import { ArgumentError, DTypeError } from "../base/errors.js";
import { broadcastShapes, broadcastStrides } from "../base/shape.js";
import type { Tensor, TensorLike } from "../core/tensor.js";
import { fromHost } from "./creation.js";
import { getBackend } from "../backends/registry.js";

/**
 * A number operand becomes a 0-d tensor of the other operand's kind (ints stay ints for integer values).
 * @example
 * asTensor(2, tensor([1], { dtype: "int32" })).dtype; // "int32"
 * asTensor(0.5, tensor([1], { dtype: "int32" })).dtype; // "float32"
 */
export function asTensor(x: TensorLike, like: Tensor): Tensor {
  if (typeof x !== "number") return x;
  const dtype: DType = isFloat(like.dtype) ? like.dtype : Number.isInteger(x) ? "int32" : "float32";
  // a fill makes the one value without a host array and its copy (the same value as an upload)
  const backend = getBackend();
  if (backend === like.backend && backend.supports(dtype))
    return wrap(backend, backend.fill(dtype, 1, x), []);
  return fromHost([x], [], dtype);
}

/**
 * `x` read at a broadcast `shape` without copying (stride 0 on broadcast axes).
 * @example
 * broadcastView(tensor([1, 2, 3]), [4, 3]).strides; // [0, 1]
 */
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

/**
 * Applies a unary primitive; float-valued functions of ints give float32, as in PyTorch.
 * @example
 * unaryOp("sqrt", tensor([4, 9], { dtype: "int32" })).dtype; // "float32"
 */
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

/**
 * Applies a binary primitive with numpy broadcasting and PyTorch's type promotion.
 * @example
 * const y = binaryOp("add", tensor([1, 2], { dtype: "int32" }), tensor([[0.5], [1.5]]));
 * [y.shape, y.dtype]; // [[2, 2], "float32"]
 */
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

/**
 * `x` itself when it is already a float tensor, else a float32 copy (for ops defined on reals).
 * @example
 * asFloat(tensor([1, 2], { dtype: "int32" })).dtype; // "float32"
 */
export function asFloat(x: Tensor): Tensor {
  return isFloat(x.dtype) ? x : cast(x, "float32");
}

/**
 * `cond ? a : b` elementwise, broadcasting all three.
 * @example
 * const x = tensor([-1, 2, -3]);
 * where(x.gt(0), x, 0).toArray(); // [0, 2, 0]: relu
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

/**
 * a + b, broadcasting (numbers are scalars).
 * @example
 * add(tensor([[1, 2], [3, 4]]), tensor([10, 20])).toArray(); // [[11, 22], [13, 24]]
 */
export const add = (a: TensorLike, b: TensorLike) => binaryOp("add", a, b);
/**
 * a − b, broadcasting.
 * @example
 * sub(tensor([5, 7]), 2).toArray(); // [3, 5]
 */
export const sub = (a: TensorLike, b: TensorLike) => binaryOp("sub", a, b);
/**
 * a · b elementwise, broadcasting (`matmul` is the matrix product).
 * @example
 * mul(tensor([1, 2, 3]), tensor([2, 2, 2])).toArray(); // [2, 4, 6]
 */
export const mul = (a: TensorLike, b: TensorLike) => binaryOp("mul", a, b);
/**
 * a / b, broadcasting; integer inputs give float32, as in PyTorch.
 * @example
 * div(tensor([1, 3], { dtype: "int32" }), 2).toArray(); // [0.5, 1.5]
 */
export const div = (a: TensorLike, b: TensorLike) => binaryOp("div", a, b);
/**
 * a raised to b, broadcasting.
 * @example
 * pow(tensor([2, 3]), 2).toArray(); // [4, 9]
 */
export const pow = (a: TensorLike, b: TensorLike) => binaryOp("pow", a, b);
/**
 * The larger of a and b, elementwise.
 * @example
 * maximum(tensor([1, 5]), tensor([3, 2])).toArray(); // [3, 5]
 */
export const maximum = (a: TensorLike, b: TensorLike) => binaryOp("maximum", a, b);
/**
 * The smaller of a and b, elementwise.
 * @example
 * minimum(tensor([1, 5]), 2).toArray(); // [1, 2]
 */
export const minimum = (a: TensorLike, b: TensorLike) => binaryOp("minimum", a, b);
/**
 * a == b elementwise, as bool.
 * @example
 * eq(tensor([1, 2, 3]), 2).toArray(); // [false, true, false]
 */
export const eq = (a: TensorLike, b: TensorLike) => binaryOp("eq", a, b);
/**
 * a != b elementwise, as bool.
 * @example
 * ne(tensor([1, 2, 3]), 2).toArray(); // [true, false, true]
 */
export const ne = (a: TensorLike, b: TensorLike) => binaryOp("ne", a, b);
/**
 * a < b elementwise, as bool.
 * @example
 * lt(tensor([1, 2, 3]), 2).toArray(); // [true, false, false]
 */
export const lt = (a: TensorLike, b: TensorLike) => binaryOp("lt", a, b);
/**
 * a <= b elementwise, as bool.
 * @example
 * le(tensor([1, 2, 3]), 2).toArray(); // [true, true, false]
 */
export const le = (a: TensorLike, b: TensorLike) => binaryOp("le", a, b);
/**
 * a > b elementwise, as bool.
 * @example
 * gt(tensor([1, 2, 3]), 2).toArray(); // [false, false, true]
 */
export const gt = (a: TensorLike, b: TensorLike) => binaryOp("gt", a, b);
/**
 * a >= b elementwise, as bool.
 * @example
 * ge(tensor([1, 2, 3]), 2).toArray(); // [false, true, true]
 */
export const ge = (a: TensorLike, b: TensorLike) => binaryOp("ge", a, b);
/**
 * Elementwise and of two bool (or nonzero) tensors.
 * @example
 * logicalAnd(tensor([true, true]), tensor([true, false])).toArray(); // [true, false]
 */
export const logicalAnd = (a: TensorLike, b: TensorLike) => binaryOp("and", a, b);
/**
 * Elementwise or of two bool (or nonzero) tensors.
 * @example
 * logicalOr(tensor([true, false]), tensor([false, false])).toArray(); // [true, false]
 */
export const logicalOr = (a: TensorLike, b: TensorLike) => binaryOp("or", a, b);

/**
 * −x.
 * @example
 * neg(tensor([1, -2])).toArray(); // [-1, 2]
 */
export const neg = (x: Tensor) => unaryOp("neg", x);
/**
 * eˣ.
 * @example
 * exp(tensor([0, 1])).toArray(); // [1, 2.7183]
 */
export const exp = (x: Tensor) => unaryOp("exp", x);
/**
 * Natural logarithm.
 * @example
 * log(tensor([1, Math.E])).toArray(); // [0, 1]
 */
export const log = (x: Tensor) => unaryOp("log", x);
/**
 * Square root.
 * @example
 * sqrt(tensor([4, 9])).toArray(); // [2, 3]
 */
export const sqrt = (x: Tensor) => unaryOp("sqrt", x);
/**
 * |x|.
 * @example
 * abs(tensor([-1.5, 2])).toArray(); // [1.5, 2]
 */
export const abs = (x: Tensor) => unaryOp("abs", x);
/**
 * −1, 0 or 1 by the sign of x.
 * @example
 * sign(tensor([-3, 0, 2])).toArray(); // [-1, 0, 1]
 */
export const sign = (x: Tensor) => unaryOp("sign", x);
/**
 * Sine (radians).
 * @example
 * sin(tensor([0, Math.PI / 2])).toArray(); // [0, 1]
 */
export const sin = (x: Tensor) => unaryOp("sin", x);
/**
 * Cosine (radians).
 * @example
 * cos(tensor([0, Math.PI])).toArray(); // [1, -1]
 */
export const cos = (x: Tensor) => unaryOp("cos", x);
/**
 * Hyperbolic tangent.
 * @example
 * tanh(tensor([0, 1])).toArray(); // [0, 0.7616]
 */
export const tanh = (x: Tensor) => unaryOp("tanh", x);
/**
 * 1 / (1 + e⁻ˣ).
 * @example
 * sigmoid(tensor([0, 2])).toArray(); // [0.5, 0.8808]
 */
export const sigmoid = (x: Tensor) => unaryOp("sigmoid", x);
/**
 * max(x, 0).
 * @example
 * relu(tensor([-1, 2])).toArray(); // [0, 2]
 */
export const relu = (x: Tensor) => unaryOp("relu", x);
/**
 * Rounds down.
 * @example
 * floor(tensor([1.5, -1.5])).toArray(); // [1, -2]
 */
export const floor = (x: Tensor) => unaryOp("floor", x);
/**
 * Rounds up.
 * @example
 * ceil(tensor([1.5, -1.5])).toArray(); // [2, -1]
 */
export const ceil = (x: Tensor) => unaryOp("ceil", x);
/**
 * Rounds to the nearest integer, halves to even (as PyTorch).
 * @example
 * round(tensor([0.5, 1.5, 2.7])).toArray(); // [0, 2, 3]
 */
export const round = (x: Tensor) => unaryOp("round", x);
/**
 * The error function.
 * @example
 * erf(tensor([0, 1])).toArray(); // [0, 0.8427]
 */
export const erf = (x: Tensor) => unaryOp("erf", x);
/**
 * log(1 + x), accurate for small x.
 * @example
 * log1p(tensor([0, 1e-8])).toArray(); // [0, 1e-8]
 */
export const log1p = (x: Tensor) => unaryOp("log1p", x);
/**
 * eˣ − 1, accurate for small x.
 * @example
 * expm1(tensor([0, 1])).toArray(); // [0, 1.7183]
 */
export const expm1 = (x: Tensor) => unaryOp("expm1", x);
/**
 * 1 / x.
 * @example
 * reciprocal(tensor([2, 4])).toArray(); // [0.5, 0.25]
 */
export const reciprocal = (x: Tensor) => unaryOp("reciprocal", x);
/**
 * Elementwise not, as bool.
 * @example
 * logicalNot(tensor([true, false])).toArray(); // [false, true]
 */
export const logicalNot = (x: Tensor) => unaryOp("not", x);
/**
 * Whether each element is NaN.
 * @example
 * isNaN(tensor([1, NaN])).toArray(); // [false, true]
 */
export const isNaN = (x: Tensor) => unaryOp("isnan", x);
/**
 * Whether each element is +∞ or −∞.
 * @example
 * isInf(tensor([1, -Infinity])).toArray(); // [false, true]
 */
export const isInf = (x: Tensor) => unaryOp("isinf", x);
/**
 * Whether each element is neither NaN nor infinite.
 * @example
 * isFinite(tensor([1, NaN, Infinity])).toArray(); // [true, false, false]
 */
export const isFinite = (x: Tensor) => logicalNot(logicalOr(isNaN(x), isInf(x)));
/**
 * x².
 * @example
 * square(tensor([-3, 2])).toArray(); // [9, 4]
 */
export const square = (x: Tensor) => mul(x, x);
/**
 * 1 / √x.
 * @example
 * rsqrt(tensor([4, 16])).toArray(); // [0.5, 0.25]
 */
export const rsqrt = (x: Tensor) => reciprocal(sqrt(x));

/**
 * Limits values to [min, max]; the gradient passes where the value was inside the range.
 * @example
 * clip(tensor([-2, 0.5, 3]), -1, 1).toArray(); // [-1, 0.5, 1]
 * clip(tensor([-2, 3]), 0).toArray(); // [0, 3]: no upper bound
 */
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
