// The Huber loss per element and its gradient, one pass each. They compute, element by element, the
// float32 operations the composed loss (sub, abs, mul, lt, where) and the gradient rules of those
// ops compute, in the same order, so fusing never changes a value.

// out[i] = |d| < delta ? (d·d)·0.5 : (|d| − half)·delta, with d = x[i] − y[i] (half = 0.5·delta in float32).
export function huber_f32(x: usize, y: usize, out: usize, n: i32, delta: f32, half: f32): void {
  for (let i = 0; i < n; i++) {
    const at = <usize>i << 2;
    const d: f32 = load<f32>(x + at) - load<f32>(y + at);
    const a: f32 = abs(d);
    store<f32>(out + at, a < delta ? d * d * <f32>0.5 : (a - half) * delta);
  }
}

// The gradient of huber_f32's out[i] with respect to x[i], given the upstream gradient g: what the
// rules of where, mul, sub and abs give, summed as the engine sums them (the |d| path first, then the
// two d·d contributions): (gl·delta·sign(d) + gq·0.5·d) + gq·0.5·d, gq and gl g on their branch, else 0.
// g is read with stride gStride (0: one value for all, as the gradient of a mean arrives).
export function huber_grad_f32(x: usize, y: usize, g: usize, gStride: i32, out: usize, n: i32, delta: f32): void {
  for (let i = 0; i < n; i++) {
    const at = <usize>i << 2;
    const d: f32 = load<f32>(x + at) - load<f32>(y + at);
    const gi: f32 = load<f32>(g + (<usize>(i * gStride) << 2));
    const quadratic = abs(d) < delta;
    const gq: f32 = quadratic ? gi : 0;
    const gl: f32 = quadratic ? 0 : gi;
    // sign as the sign kernel: ±0 → +0, NaN stays NaN
    const sign: f32 = d > 0 ? 1 : d < 0 ? -1 : d == 0 ? 0 : d;
    const half: f32 = gq * <f32>0.5;
    const fromSquare: f32 = half * d;
    store<f32>(out + at, (gl * delta * sign + fromSquare) + fromSquare);
  }
}
