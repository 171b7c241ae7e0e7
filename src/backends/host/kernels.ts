import type { Kernels } from "../backend.js";
import { binary, cast, unary, where } from "./elementwise.js";
import { matmul } from "./matmul.js";
import type { HostMemory } from "./memory.js";
import { concat, gather, pad, scatterAdd } from "./movement.js";
import { argReduce, reduce } from "./reduce.js";

/**
 * The whole kernel table, in TypeScript, over any memory the host can address.
 * @example
 * const mem = getBackend() as Backend & HostMemory; // ref and wasm both are host memory
 * const kernels = hostKernels(mem);
 * mem.readSync(kernels.reduce("sum", tensor([[1, 2], [3, 4]]), [1])); // Float32Array [3, 7]
 */
export function hostKernels(mem: HostMemory): Kernels {
  return {
    unary: (op, x, d) => unary(mem, op, x, d),
    binary: (op, a, b, s, d) => binary(mem, op, a, b, s, d),
    where: (c, a, b, s, d) => where(mem, c, a, b, s, d),
    cast: (x, d) => cast(mem, x, d),
    reduce: (op, x, axes) => reduce(mem, op, x, axes),
    argReduce: (op, x, axis) => argReduce(mem, op, x, axis),
    matmul: (a, b, s) => matmul(mem, a, b, s),
    pad: (x, pads, v) => pad(mem, x, pads, v),
    concat: (xs, axis, s) => concat(mem, xs, axis, s),
    gather: (x, axis, idx) => gather(mem, x, axis, idx),
    scatterAdd: (s, d, axis, idx, src) => scatterAdd(mem, s, d, axis, idx, src),
  };
}
