/** Base class of every error Strata throws on bad input; the message names the op, shapes and dtypes. */
export class StrataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Shapes that do not fit the op (matmul inner sizes, broadcasting, reshape sizes, axes out of range). */
export class ShapeError extends StrataError {}

/** A dtype the op does not accept (e.g. float labels for cross-entropy, bool in matmul). */
export class DTypeError extends StrataError {}

/** A value outside what the op accepts (labels out of range, negative sizes, a NaN loss). */
export class ValueError extends StrataError {}

/** Use of a tensor whose memory was released with `dispose()` or by `tidy()`. */
export class DisposedError extends StrataError {}

export function fmtShape(shape: readonly number[]): string {
  return `(${shape.join(", ")}${shape.length === 1 ? "," : ""})`;
}
