/**
 * Independent, deliberately simple implementations used as oracles by the core tests. They work on
 * plain number arrays in row-major order and share no code with `src/`.
 */

/** A small seeded generator (mulberry32), independent of the library's own. */
export function seededValues(n: number, seed: number, low = -1, high = 1): number[] {
  let s = seed >>> 0;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const u = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    out.push(low + (high - low) * u);
  }
  return out;
}

export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

export function rowMajorStrides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}

/** The multi-index of flat position `flat` in `shape`. */
export function unravel(flat: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length);
  for (let i = shape.length - 1; i >= 0; i--) {
    idx[i] = flat % shape[i];
    flat = Math.floor(flat / shape[i]);
  }
  return idx;
}

export function ravel(idx: readonly number[], shape: readonly number[]): number {
  let f = 0;
  for (let i = 0; i < shape.length; i++) f = f * shape[i] + idx[i];
  return f;
}

/** C[m,n] = Σ_k A[m,k] B[k,n], a plain triple loop in float64. */
export function naiveMatmul(
  a: readonly number[],
  b: readonly number[],
  m: number,
  k: number,
  n: number,
): number[] {
  const c = new Array<number>(m * n).fill(0);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a[i * k + p] * b[p * n + j];
      c[i * n + j] = s;
    }
  }
  return c;
}

/** Reduces `data` of `shape` over `axes` with `fn` applied to the list of values of each output cell. */
export function naiveReduce(
  data: readonly number[],
  shape: readonly number[],
  axes: readonly number[],
  keepDims: boolean,
  fn: (values: number[]) => number,
): { shape: number[]; data: number[] } {
  const norm = axes.map((a) => (a < 0 ? a + shape.length : a));
  const keptShape = shape.map((d, i) => (norm.includes(i) ? 1 : d));
  const groups: number[][] = Array.from({ length: sizeOf(keptShape) }, () => []);
  for (let f = 0; f < data.length; f++) {
    const idx = unravel(f, shape).map((v, i) => (norm.includes(i) ? 0 : v));
    groups[ravel(idx, keptShape)].push(data[f]);
  }
  const outShape = keepDims ? keptShape : shape.filter((_, i) => !norm.includes(i));
  return { shape: outShape, data: groups.map(fn) };
}

/** Transposes row-major `data` of `shape` by `perm`. */
export function naivePermute(
  data: readonly number[],
  shape: readonly number[],
  perm: readonly number[],
): number[] {
  const outShape = perm.map((p) => shape[p]);
  const out = new Array<number>(data.length);
  for (let f = 0; f < data.length; f++) {
    const o = unravel(f, outShape);
    const src = new Array<number>(shape.length);
    perm.forEach((p, i) => {
      src[p] = o[i];
    });
    out[f] = data[ravel(src, shape)];
  }
  return out;
}

/** Flattens nested arrays into row-major numbers (booleans become 0/1). */
export function flatten(v: unknown): number[] {
  if (Array.isArray(v)) return v.flatMap(flatten);
  if (typeof v === "boolean") return [v ? 1 : 0];
  return [v as number];
}

export const sum = (v: number[]) => v.reduce((a, b) => a + b, 0);
export const mean = (v: number[]) => sum(v) / v.length;
export function variance(v: number[], correction = 1): number {
  const m = mean(v);
  return sum(v.map((x) => (x - m) ** 2)) / (v.length - correction);
}
