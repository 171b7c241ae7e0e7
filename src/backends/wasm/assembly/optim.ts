// AssemblyScript: optimizer updates in one pass over each float32 parameter, in the same operation
// order as the composed versions in src/optim (which stay the reference).

/** Adam / AdamW. flags: 1 = decoupled weight decay (AdamW), 2 = maximize. */
export function adam_f32(
  p: usize, g: usize, m: usize, v: usize,
  pOut: usize, mOut: usize, vOut: usize, n: i32,
  lr64: f64, beta1_64: f64, beta2_64: f64, eps64: f64, weightDecay64: f64,
  biasCorrection1: f64, biasCorrection2Sqrt64: f64, flags: i32,
): void {
  const decoupled = (flags & 1) != 0;
  const maximize = (flags & 2) != 0;
  // scalars derived in f64 and rounded once, as the composed update's scalar operands are
  const decay: f32 = decoupled ? <f32>(1 - lr64 * weightDecay64) : 1;
  const stepSize = <f32>(lr64 / biasCorrection1);
  const beta1 = <f32>beta1_64, beta2 = <f32>beta2_64, eps = <f32>eps64, weightDecay = <f32>weightDecay64;
  const biasCorrection2Sqrt = <f32>biasCorrection2Sqrt64;
  const c1 = <f32>(1 - beta1_64), c2 = <f32>(1 - beta2_64);
  const vb1 = f32x4.splat(beta1), vc1 = f32x4.splat(c1);
  const vb2 = f32x4.splat(beta2), vc2 = f32x4.splat(c2);
  const vwd = f32x4.splat(weightDecay), vdecay = f32x4.splat(decay);
  const vbc2 = f32x4.splat(biasCorrection2Sqrt), veps = f32x4.splat(eps), vstep = f32x4.splat(stepSize);
  const l2 = !decoupled && weightDecay != 0;
  let i = 0;
  const vecEnd = n & ~3;
  for (; i < vecEnd; i += 4) {
    const o = <usize>i << 2;
    const pv = v128.load(p + o);
    let d = v128.load(g + o);
    if (maximize) d = f32x4.neg(d);
    if (l2) d = f32x4.add(d, f32x4.mul(pv, vwd));
    const param = decoupled ? f32x4.mul(pv, vdecay) : pv;
    const mv = f32x4.add(f32x4.mul(v128.load(m + o), vb1), f32x4.mul(d, vc1));
    const vv = f32x4.add(f32x4.mul(v128.load(v + o), vb2), f32x4.mul(f32x4.mul(d, d), vc2));
    const denom = f32x4.add(f32x4.div(f32x4.sqrt(vv), vbc2), veps);
    v128.store(pOut + o, f32x4.sub(param, f32x4.mul(f32x4.div(mv, denom), vstep)));
    v128.store(mOut + o, mv);
    v128.store(vOut + o, vv);
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const pv = load<f32>(p + o);
    let d = load<f32>(g + o);
    if (maximize) d = -d;
    if (l2) d = d + pv * weightDecay;
    const param = decoupled ? pv * decay : pv;
    const mv = load<f32>(m + o) * beta1 + d * c1;
    const vv = load<f32>(v + o) * beta2 + d * d * c2;
    const denom = sqrt<f32>(vv) / biasCorrection2Sqrt + eps;
    store<f32>(pOut + o, param - (mv / denom) * stepSize);
    store<f32>(mOut + o, mv);
    store<f32>(vOut + o, vv);
  }
}

/**
 * SGD with optional momentum (buf = 0 means no momentum buffer yet: it starts as the gradient, as in
 * PyTorch). flags: 1 = momentum, 2 = nesterov, 4 = maximize.
 */
export function sgd_f32(
  p: usize, g: usize, buf: usize, pOut: usize, bufOut: usize, n: i32,
  lr64: f64, momentum64: f64, dampening64: f64, weightDecay64: f64, flags: i32,
): void {
  const useMomentum = (flags & 1) != 0;
  const nesterov = (flags & 2) != 0;
  const maximize = (flags & 4) != 0;
  // scalars derived in f64 and rounded once, as the composed update's scalar operands are
  const lr = <f32>lr64, momentum = <f32>momentum64, weightDecay = <f32>weightDecay64;
  const keep = <f32>(1 - dampening64);
  const vlr = f32x4.splat(lr), vmom = f32x4.splat(momentum), vwd = f32x4.splat(weightDecay), vkeep = f32x4.splat(keep);
  let i = 0;
  const vecEnd = n & ~3;
  for (; i < vecEnd; i += 4) {
    const o = <usize>i << 2;
    const pv = v128.load(p + o);
    let d = v128.load(g + o);
    if (maximize) d = f32x4.neg(d);
    if (weightDecay != 0) d = f32x4.add(d, f32x4.mul(pv, vwd));
    if (useMomentum) {
      const b = buf == 0 ? d : f32x4.add(f32x4.mul(v128.load(buf + o), vmom), f32x4.mul(d, vkeep));
      v128.store(bufOut + o, b);
      d = nesterov ? f32x4.add(d, f32x4.mul(b, vmom)) : b;
    }
    v128.store(pOut + o, f32x4.sub(pv, f32x4.mul(d, vlr)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const pv = load<f32>(p + o);
    let d = load<f32>(g + o);
    if (maximize) d = -d;
    if (weightDecay != 0) d = d + pv * weightDecay;
    if (useMomentum) {
      const b = buf == 0 ? d : load<f32>(buf + o) * momentum + d * keep;
      store<f32>(bufOut + o, b);
      d = nesterov ? d + b * momentum : b;
    }
    store<f32>(pOut + o, pv - d * lr);
  }
}
