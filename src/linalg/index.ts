/**
 * `linalg`: decompositions, solvers and determinants with PyTorch's `torch.linalg` names, on float32 and
 * float64, batched over leading axes, differentiable. The algorithms run on the host in float64.
 * @example
 * const A = tensor([[4, 1], [1, 3]], { dtype: "float64" });
 * linalg.eigvalsh(A).toArray(); // [2.382, 4.618]
 * linalg.det(A).item(); // 11
 */
export { eigh, eigvalsh, svd, svdvals, qr, cholesky } from "./decompositions.js";
export type {
  EighResult,
  EighOptions,
  SvdResult,
  SvdOptions,
  QrResult,
  QrOptions,
  CholeskyOptions,
} from "./decompositions.js";
export { solve, inv, det, slogdet } from "./solve.js";
