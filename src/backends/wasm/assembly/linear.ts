// The parts of a fused linear layer (y = x Wᵀ + b, optionally relu) that the matmul kernel does not
// do. Each computes exactly what the separate add / relu / where kernels compute, so fusing never
// changes a value.

// c[i, j] += bias[j] (when bias ≠ 0), then relu (when relu ≠ 0), in place over m rows of n floats.
export function bias_act_f32(c: usize, bias: usize, m: i32, n: i32, relu: i32): void {
  const zero = f32x4.splat(0);
  const vecEnd = n & ~3;
  for (let i = 0; i < m; i++) {
    const row = c + (<usize>(i * n) << 2);
    let j = 0;
    for (; j < vecEnd; j += 4) {
      const at = row + (<usize>j << 2);
      let v = v128.load(at);
      if (bias) v = f32x4.add(v, v128.load(bias + (<usize>j << 2)));
      // relu keeps NaN (max with NaN is NaN), as the relu kernel
      if (relu) v = f32x4.max(v, zero);
      v128.store(at, v);
    }
    for (; j < n; j++) {
      const at = row + (<usize>j << 2);
      let v = load<f32>(at);
      if (bias) v = v + load<f32>(bias + (<usize>j << 2));
      if (relu) v = v != v ? v : max(v, <f32>0);
      store<f32>(at, v);
    }
  }
}

// The gradient through relu: out[i] = y[i] > 0 ? g[i] : 0 over n contiguous floats (y the relu's output).
export function relu_grad_f32(y: usize, g: usize, out: usize, n: i32): void {
  const zero = f32x4.splat(0);
  const vecEnd = n & ~3;
  let i = 0;
  for (; i < vecEnd; i += 4) {
    const at = <usize>i << 2;
    const keep = f32x4.gt(v128.load(y + at), zero);
    v128.store(out + at, v128.and(v128.load(g + at), keep));
  }
  for (; i < n; i++) {
    const at = <usize>i << 2;
    store<f32>(out + at, load<f32>(y + at) > 0 ? load<f32>(g + at) : 0);
  }
}
