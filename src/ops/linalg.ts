import { checkTensor } from "../core/args.js";
import { backendOf, record, wrap } from "../core/dispatch.js";
import { promoteTypes } from "../base/dtype.js";
import { DTypeError, ShapeError, fmtShape } from "../base/errors.js";
import { broadcastShapes } from "../base/shape.js";
import type { Tensor } from "../core/tensor.js";
import { broadcastView, cast } from "./elementwise.js";
import { squeeze, unsqueeze } from "./movement.js";

/**
 * Matrix product with numpy semantics: 1-D operands are treated as row/column vectors, and batch
 * axes broadcast, so (B, m, k) × (k, n) multiplies every batch by the same matrix.
 * @example
 * matmul(randn([8, 784]), randn([784, 128])).shape // [8, 128]
 * matmul(tensor([[1, 2], [3, 4]]), tensor([1, 1])).toArray(); // [3, 7]: a vector on the right
 * matmul(randn([5, 2, 3]), randn([3, 4])).shape; // [5, 2, 4]
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  checkTensor("matmul", "x", a);
  checkTensor("matmul", "other", b);
  if (a.rank === 0 || b.rank === 0) {
    throw new ShapeError(
      `matmul: both operands need at least 1 dimension, got ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`,
    );
  }
  if (a.dtype === "bool" || b.dtype === "bool") {
    throw new DTypeError(
      `matmul: bool tensors cannot be multiplied (got ${a.dtype} and ${b.dtype}); cast to float32 first`,
    );
  }
  const k1 = a.shape[a.rank - 1];
  const k2 = b.shape[b.rank === 1 ? 0 : b.rank - 2];
  if (k1 !== k2) {
    throw new ShapeError(
      `matmul: cannot multiply ${fmtShape(a.shape)} by ${fmtShape(b.shape)}: inner dimensions ${k1} and ${k2} differ`,
    );
  }
  const a2 = a.rank === 1 ? unsqueeze(a, 0) : a;
  const b2 = b.rank === 1 ? unsqueeze(b, -1) : b;
  const dtype = promoteTypes(a2.dtype, b2.dtype);
  const ca = a2.dtype === dtype ? a2 : cast(a2, dtype);
  const cb = b2.dtype === dtype ? b2 : cast(b2, dtype);
  const batch = broadcastShapes("matmul", ca.shape.slice(0, -2), cb.shape.slice(0, -2));
  const m = ca.shape[ca.rank - 2];
  const n = cb.shape[cb.rank - 1];
  const outShape = [...batch, m, n];
  const backend = backendOf("matmul", ca, cb);
  const storage = backend.matmul(
    broadcastView(ca, [...batch, m, k1]),
    broadcastView(cb, [...batch, k1, n]),
    outShape,
  );
  let out = record(wrap(backend, storage, outShape), "matmul", [ca, cb]);
  if (a.rank === 1) out = squeeze(out, -2);
  if (b.rank === 1) out = squeeze(out, -1);
  return out;
}
