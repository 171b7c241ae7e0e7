/**
 * Base class of every error Strata throws (bad input, exhausted memory, a failing backend); the message
 * names the op, shapes and dtypes.
 * @example
 * try { tensor([1, 2]).add(tensor([1, 2, 3])); }
 * catch (e) { if (e instanceof StrataError) console.error(e.name, e.message); } // ShapeError add: shapes (2,) and (3,) ...
 * new ShapeError("a message") instanceof StrataError; // true: every error Strata throws is one
 */
export class StrataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/**
 * Shapes that do not fit the op (matmul inner sizes, broadcasting, reshape sizes, axes out of range).
 * @example
 * matmul(zeros([2, 3]), zeros([2, 3])); // throws ShapeError: inner sizes 3 and 2 differ
 */
export class ShapeError extends StrataError {}

/**
 * A dtype the op does not accept (e.g. float labels for cross-entropy, bool in matmul).
 * @example
 * nn.functional.crossEntropy(zeros([2, 3]), tensor([0, 1])); // throws DTypeError: labels must be int32
 */
export class DTypeError extends StrataError {}

/**
 * A value outside what the op accepts (labels out of range, negative sizes, a NaN loss).
 * @example
 * oneHot([3], 3); // throws ValueError: index 3 is out of range for 3 classes
 */
export class ValueError extends StrataError {}

/**
 * A matrix a linear-algebra routine cannot handle: singular (`solve`, `inv`), not positive-definite
 * (`cholesky`, naming the leading minor), or an iteration that did not converge (PyTorch's
 * `torch.linalg.LinAlgError`). A `ValueError`, since the input's values are at fault.
 * @example
 * linalg.inv(tensor([[1, 2], [2, 4]])); // throws LinAlgError: the input matrix is singular
 */
export class LinAlgError extends ValueError {}

/**
 * An index outside the range its op accepts (gather, indexSelect, scatterAdd, embedding rows,
 * cross-entropy target classes, one-hot classes): PyTorch's `IndexError`. A `ValueError`, since the
 * index tensor's values are at fault. On webgpu, where reads are asynchronous, an index that lives on
 * the device is checked there and the error is thrown by the next read (`await t.data()`, `fit`'s
 * periodic read...), its message saying so.
 * @example
 * indexSelect(tensor([10, 20, 30]), 0, [3]); // throws IndexError: index 3 is out of range for axis 0 of size 3
 * new IndexError("a message") instanceof ValueError; // true
 */
export class IndexError extends ValueError {}

/**
 * An argument of the wrong kind, which JavaScript would otherwise let through or ignore: a Dataset or
 * a typed array where a tensor is expected, a tensor where a number is, an options object in a
 * tensor's place, more arguments than the function takes, an unknown option. The message names the
 * function, the parameter and what was given (as Python's `TypeError` does).
 * @example
 * const x = randn([2, 8]), w = ones([8]), b = zeros([8]);
 * try { (nn.functional.layerNorm as Function)(x, [8], w, b, 1e-5, true); }
 * catch (e) { if (e instanceof ArgumentError) console.error(e.message); } // layerNorm takes at most 5 arguments ...
 * relu(new Float32Array(3) as any); // throws ArgumentError: relu: x must be a Tensor, got a Float32Array of length 3
 */
export class ArgumentError extends StrataError {}

/**
 * Use of a tensor whose memory was released with `dispose()` or by `tidy()`.
 * @example
 * const t = tensor([1, 2]);
 * t.dispose();
 * t.toArray(); // throws DisposedError: the tensor was released by dispose()
 */
export class DisposedError extends StrataError {}

/**
 * A file or folder that cannot be read or written. The message names the user's path and the reason in
 * words (read-only location, disk full, a parent that is a file, ...); `cause` keeps the system error.
 * @example
 * try { await io.loadTensors("missing.safetensors"); }
 * catch (e) { if (e instanceof FileError) console.error(e.message, e.path, (e.cause as NodeJS.ErrnoException).code); }
 * // loadTensors: cannot read missing.safetensors: no such file (ENOENT) missing.safetensors ENOENT
 */
export class FileError extends StrataError {
  readonly path: string;
  constructor(message: string, path: string, options?: { cause?: unknown }) {
    super(message);
    this.path = path;
    // like `new Error(message, { cause })`: an own, non-enumerable property
    if (options !== undefined && "cause" in options) {
      Object.defineProperty(this, "cause", { value: options.cause, writable: true, configurable: true });
    }
  }
}

/**
 * A backend could not find memory for a tensor: the request is larger than the backend can ever hold,
 * or its memory is full of live tensors. The message names the request, what is live and what to do.
 * @example
 * zeros([2 ** 20, 2 ** 20]); // throws OutOfMemoryError: larger than the backend can hold
 */
export class OutOfMemoryError extends StrataError {}

/**
 * A backend failed inside itself (a kernel trapped, a worker thread failed): a bug, not bad input.
 * @example
 * const e = new BackendError("wasm: the matmul kernel trapped");
 * e instanceof StrataError; // true
 */
export class BackendError extends StrataError {}

/**
 * A shape as error messages write it, PyTorch's tuple notation.
 * @example
 * fmtShape([2, 3]); // "(2, 3)"
 * fmtShape([5]); // "(5,)"
 */
export function fmtShape(shape: readonly number[]): string {
  return `(${shape.join(", ")}${shape.length === 1 ? "," : ""})`;
}

/**
 * A byte count in the largest binary unit that leaves at least 1 of it: "512 B", "3.50 MiB", "7.45 GiB".
 * @example
 * fmtBytes(3.5 * 2 ** 20); // "3.50 MiB"
 */
export function fmtBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let i = 0;
  while (i < units.length - 1 && Math.abs(bytes) >= 1024 ** (i + 1)) i++;
  return i === 0 ? `${bytes} B` : `${(bytes / 1024 ** i).toFixed(2)} ${units[i]}`;
}
