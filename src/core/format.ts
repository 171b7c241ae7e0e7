import type { DType, TypedArray } from "../base/dtype.js";

/** Printing follows PyTorch's rules: 4 decimals, scientific notation for wide ranges, "..." past 1000 elements. */
const PRECISION = 4;
const THRESHOLD = 1000;
const EDGE = 3;
const LINE_WIDTH = 80;

function sci(v: number): string {
  const [mant, exp] = v.toExponential(PRECISION).split("e");
  const e = Number(exp);
  return `${mant}e${e < 0 ? "-" : "+"}${String(Math.abs(e)).padStart(2, "0")}`;
}

function special(v: number): string | null {
  if (Number.isNaN(v)) return "nan";
  if (v === Number.POSITIVE_INFINITY) return "inf";
  if (v === Number.NEGATIVE_INFINITY) return "-inf";
  return null;
}

/** Chooses one format for all shown values, as torch's _Formatter does. */
function makeFormatter(values: number[], dtype: DType): (v: number) => string {
  if (dtype === "bool") return (v) => (v ? "True" : "False");
  if (dtype === "int32") return (v) => String(v);
  const finite = values.filter((v) => Number.isFinite(v));
  const nonzero = finite.filter((v) => v !== 0).map(Math.abs);
  if (finite.every((v) => Number.isInteger(v))) {
    const big = nonzero.length > 0 && Math.max(...nonzero) > 1e8;
    return (v) => special(v) ?? (big ? sci(v) : `${v.toFixed(0)}.`);
  }
  if (nonzero.length === 0) return (v) => special(v) ?? v.toFixed(PRECISION);
  const hi = Math.max(...nonzero);
  const lo = Math.min(...nonzero);
  const useSci = hi / lo > 1000 || hi > 1e8 || lo < 1e-4;
  return (v) => special(v) ?? (useSci ? sci(v) : v.toFixed(PRECISION));
}

/**
 * A tensor's values as PyTorch prints them (what `Tensor.toString()` returns).
 * @example
 * formatTensor(new Float32Array([1, 2.5]), [2], "float32", false); // "tensor([1.0000, 2.5000])"
 * formatTensor(new Int32Array([1, 2]), [2], "int32", false); // "tensor([1, 2], dtype=int32)"
 */
export function formatTensor(
  data: TypedArray,
  shape: readonly number[],
  dtype: DType,
  requiresGrad: boolean,
): string {
  const size = data.length;
  const summarize = size > THRESHOLD;
  const suffix: string[] = [];
  if (size === 0 && shape.length !== 1) suffix.push(`size=(${shape.join(", ")})`);
  if (dtype !== "float32" && dtype !== "bool") suffix.push(`dtype=${dtype}`);
  if (requiresGrad) suffix.push("requiresGrad=true");
  if (size === 0) return withSuffixes("tensor([]", suffix);
  const strides: number[] = [];
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  const shownIndices = (n: number) =>
    summarize && n > 2 * EDGE ? [...range(0, EDGE), -1, ...range(n - EDGE, n)] : range(0, n);
  // gather the values that will be shown, so the format depends only on them (as in PyTorch)
  const shown: number[] = [];
  const visit = (depth: number, offset: number) => {
    if (depth === shape.length) {
      shown.push(data[offset]);
      return;
    }
    for (const i of shownIndices(shape[depth])) if (i >= 0) visit(depth + 1, offset + i * strides[depth]);
  };
  visit(0, 0);
  const fmt = makeFormatter(shown, dtype);
  // as in PyTorch, only finite values set the column width (nan and inf may stick out)
  const width = Math.max(1, ...shown.filter(Number.isFinite).map((v) => fmt(v).length));
  const cell = (v: number) => fmt(v).padStart(width);

  const render = (depth: number, offset: number, indent: number): string => {
    if (depth === shape.length) return cell(data[offset]);
    const idx = shownIndices(shape[depth]);
    if (depth === shape.length - 1) {
      const items = idx.map((i) => (i < 0 ? " ..." : cell(data[offset + i * strides[depth]])));
      const perLine = Math.max(1, Math.floor((LINE_WIDTH - indent) / (width + 2)));
      const lines: string[] = [];
      for (let i = 0; i < items.length; i += perLine) lines.push(items.slice(i, i + perLine).join(", "));
      return `[${lines.join(`,\n${" ".repeat(indent + 1)}`)}]`;
    }
    const rows = idx.map((i) => (i < 0 ? "..." : render(depth + 1, offset + i * strides[depth], indent + 1)));
    const sep = `,${"\n".repeat(shape.length - depth - 1)}${" ".repeat(indent + 1)}`;
    return `[${rows.join(sep)}]`;
  };
  return withSuffixes(`tensor(${render(0, 0, "tensor(".length)}`, suffix);
}

/** Appends `, dtype=...` etc., starting a new line where the last one would pass the width (torch's _add_suffixes). */
function withSuffixes(body: string, suffixes: readonly string[]): string {
  const indent = "tensor(".length;
  let out = body;
  let lastLineLen = body.length - body.lastIndexOf("\n") + 1;
  for (const s of suffixes) {
    if (lastLineLen + s.length + 2 > LINE_WIDTH) {
      out += `,\n${" ".repeat(indent)}${s}`;
      lastLineLen = indent + s.length;
    } else {
      out += `, ${s}`;
      lastLineLen += s.length + 2;
    }
  }
  return `${out})`;
}

function range(a: number, b: number): number[] {
  return Array.from({ length: Math.max(0, b - a) }, (_, i) => a + i);
}
