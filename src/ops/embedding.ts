import { checkNumber, checkTensor, indexArg, positionalOrOptions } from "../core/args.js";
import { BackendError, IndexError, ShapeError, ValueError, fmtShape } from "../base/errors.js";
import { noGrad } from "../core/grad_mode.js";
import { tidy } from "../core/memory.js";
import type { Tensor } from "../core/tensor.js";
import { fromHost } from "./creation.js";
import { where } from "./elementwise.js";
import { checkIndexRange } from "./index_check.js";
import { type IndexLike, expand, gather } from "./movement.js";
import { norm } from "./reduce.js";

/**
 * Options of `embedding`, the alternative to its positional arguments.
 * @example
 * const ids = tensor([0, 3], { dtype: "int32" }), weight = randn([5, 4]).mul(10);
 * const rows = embedding(ids, weight, { paddingIdx: 0, maxNorm: 1 });
 * rows.norm(2, 1).toArray(); // [1, 1]: both rows rescaled to norm 1 (weight too, in place)
 */
export interface EmbeddingOptions {
  /** Rows looked up at this index get no gradient (negative counts from the end). */
  paddingIdx?: number | null;
  /** Rescale (in place, as PyTorch) each looked-up row whose norm exceeds this to norm `maxNorm`. */
  maxNorm?: number | null;
  /** The p of the p-norm for `maxNorm` (default 2). */
  normType?: number;
  /** Name used in error messages (a layer passes its description). */
  name?: string;
}

/**
 * `paddingIdx` as a row number in [0, rows), or null; negative values count from the end, as PyTorch.
 * @example paddingRow("Embedding", -1, 10) // 9
 */
export function paddingRow(name: string, paddingIdx: number | null | undefined, rows: number): number | null {
  if (paddingIdx === null || paddingIdx === undefined) return null;
  if (!Number.isInteger(paddingIdx) || paddingIdx < -rows || paddingIdx >= rows) {
    throw new ValueError(`${name}: paddingIdx must be an integer in [${-rows}, ${rows}), got ${paddingIdx}`);
  }
  return paddingIdx < 0 ? paddingIdx + rows : paddingIdx;
}

/**
 * Looks up rows of `weight` [V, D] for `indices` of any shape (an int32 tensor, or an `Int32Array` or
 * list of integers for a 1-D lookup): the result is [...indices, D], as
 * `torch.nn.functional.embedding`. The gradient scatters back into the rows that were used. Arguments
 * in PyTorch's order, `(indices, weight, paddingIdx = null, maxNorm = null, normType = 2)`, or an
 * options object after `weight`.
 * @example
 * const weight = randn([10, 3]);
 * embedding(tensor([[1, 2], [4, 9]], { dtype: "int32" }), weight).shape // [2, 2, 3]
 * embedding([1, 2, 2], weight, 0).shape                                 // [3, 3], row 0 is padding
 */
export function embedding(indices: IndexLike, weight: Tensor, options?: EmbeddingOptions): Tensor;
export function embedding(
  indices: IndexLike,
  weight: Tensor,
  paddingIdx?: number | null,
  maxNorm?: number | null,
  normType?: number,
): Tensor;
export function embedding(input: IndexLike, weight: Tensor, ...rest: unknown[]): Tensor {
  const o = positionalOrOptions("embedding", ["indices", "weight"], rest, [
    "paddingIdx",
    "maxNorm",
    "normType",
    "name",
  ]) as EmbeddingOptions;
  const name = o.name ?? "embedding";
  const indices = indexArg(name, "indices", input, fromHost);
  checkTensor(name, "weight", weight);
  if (o.paddingIdx !== undefined && o.paddingIdx !== null) checkNumber(name, "paddingIdx", o.paddingIdx);
  if (o.maxNorm !== undefined && o.maxNorm !== null) checkNumber(name, "maxNorm", o.maxNorm);
  const normType = checkNumber(name, "normType", o.normType, { fallback: 2 });
  if (weight.rank !== 2) {
    throw new ShapeError(
      `${name}: weight must be (numEmbeddings, embeddingDim), got ${fmtShape(weight.shape)}`,
    );
  }
  const [rows, dim] = weight.shape;
  // on a GPU the indices stay there: their range is checked on the device (the next read throws), and
  // maxNorm, which renormalises the rows it reads on the host, is refused
  const onHost = !indices.backend.asyncReads;
  if (!onHost && o.maxNorm !== undefined && o.maxNorm !== null) {
    throw new BackendError(
      `${name}: maxNorm needs synchronous reads; the ${indices.backend.name} backend has none`,
    );
  }
  const ids = onHost ? indices.dataSync() : new Int32Array(0);
  for (const i of ids) {
    if (i < 0 || i >= rows) {
      throw new IndexError(
        `${name}: index ${i} is out of range for ${rows} embeddings (indices ${fmtShape(indices.shape)})`,
      );
    }
  }
  checkIndexRange(
    { op: name, label: "index", detail: () => `for ${rows} embeddings (indices ${fmtShape(indices.shape)})` },
    input,
    indices,
    rows,
    true,
  );
  const pad = paddingRow(name, o.paddingIdx, rows);
  if (o.maxNorm !== undefined && o.maxNorm !== null) renorm(weight, ids, o.maxNorm, normType, name);
  // indexSelect's gather, without indexSelect's own device check (the one above names this op)
  const rowsOut = gather(weight, 0, expand(indices.reshape([indices.size, 1]), [indices.size, dim]));
  let out = rowsOut.reshape([...indices.shape, dim]);
  if (pad !== null && out.requiresGrad && (!onHost || ids.includes(pad))) {
    // the same values, but the padding positions read a detached copy: no gradient reaches that row
    const isPad = indices.eq(pad).unsqueeze(-1);
    out = where(isPad, out.detach(), out);
  }
  return out;
}

/** Scales each row of `weight` referenced by `ids` whose p-norm exceeds `maxNorm` down to it, in place. */
function renorm(weight: Tensor, ids: ArrayLike<number>, maxNorm: number, p: number, name: string): void {
  if (!(maxNorm >= 0)) throw new ValueError(`${name}: maxNorm must be a non-negative number, got ${maxNorm}`);
  const used = new Uint8Array(weight.shape[0]);
  for (let i = 0; i < ids.length; i++) used[ids[i]] = 1;
  noGrad(() =>
    tidy(() => {
      const norms = norm(weight, p, 1, true);
      const hit = fromHost(used, [weight.shape[0], 1], "bool").logicalAnd(norms.gt(maxNorm));
      // PyTorch's embedding_renorm_: scale = maxNorm / (norm + 1e-7)
      const scale = where(hit, norms.add(1e-7).reciprocal().mul(maxNorm), 1);
      weight.assign(weight.mul(scale));
    }),
  );
}
