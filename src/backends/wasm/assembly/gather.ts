// AssemblyScript: gathers and scatter-adds along one axis with a list of indices (the indexSelect
// pattern, which im2col for convolution and pooling uses), over a contiguous [outer, len, inner]
// block, and an n-d strided copy. Indices were range-checked by the caller.

/** out[o, l, :] = x[o, index[l], :] for 32-bit elements. */
export function gather_axis_32(x: usize, outer: i32, len: i32, inner: i32, index: usize, count: i32, out: usize): void {
  const rowBytes = <usize>inner << 2;
  for (let o = 0; o < outer; o++) {
    const src = x + (<usize>(o * len) << 2) * <usize>inner;
    const dst = out + (<usize>(o * count) << 2) * <usize>inner;
    if (inner == 1) {
      for (let l = 0; l < count; l++) store<u32>(dst + (<usize>l << 2), load<u32>(src + (<usize>load<i32>(index + (<usize>l << 2)) << 2)));
    } else {
      for (let l = 0; l < count; l++) {
        memory.copy(dst + <usize>l * rowBytes, src + <usize>load<i32>(index + (<usize>l << 2)) * rowBytes, rowBytes);
      }
    }
  }
}

/** out = zeros([outer, len, inner]); out[o, index[l], :] += src[o, l, :] (float32). */
export function scatter_add_axis_f32(src: usize, outer: i32, len: i32, inner: i32, index: usize, count: i32, out: usize): void {
  memory.fill(out, 0, (<usize>(outer * len) << 2) * <usize>inner);
  for (let o = 0; o < outer; o++) {
    const s = src + (<usize>(o * count) << 2) * <usize>inner;
    const d = out + (<usize>(o * len) << 2) * <usize>inner;
    for (let l = 0; l < count; l++) {
      const row = d + (<usize>load<i32>(index + (<usize>l << 2)) << 2) * <usize>inner;
      const from = s + (<usize>l << 2) * <usize>inner;
      let j = 0;
      for (; j + 4 <= inner; j += 4) {
        const p = row + (<usize>j << 2);
        v128.store(p, f32x4.add(v128.load(p), v128.load(from + (<usize>j << 2))));
      }
      for (; j < inner; j++) {
        const p = row + (<usize>j << 2);
        store<f32>(p, load<f32>(p) + load<f32>(from + (<usize>j << 2)));
      }
    }
  }
}

/**
 * Contiguous copy of an n-d strided view of 32-bit elements: `meta` holds three int32 arrays of
 * `rank` entries each, owned by the caller: dims, strides (in elements) and a scratch odometer
 * (no static memory here: worker instances share this memory and would re-initialise it).
 */
export function copy_nd_32(x: usize, rank: i32, meta: usize, out: usize): void {
  const dims = meta;
  const strides = meta + (<usize>rank << 2);
  const counter = meta + (<usize>rank << 3);
  let total: i32 = 1;
  for (let d = 0; d < rank; d++) total *= load<i32>(dims + (<usize>d << 2));
  if (total == 0) return;
  const last = rank - 1;
  const n = load<i32>(dims + (<usize>last << 2));
  const sl = load<i32>(strides + (<usize>last << 2));
  // the odometer over all but the last axis
  for (let d = 0; d < rank; d++) store<i32>(counter + (<usize>d << 2), 0);
  let off: i32 = 0;
  let o: usize = out;
  for (let i = 0; i < total; i += n) {
    if (sl == 1) {
      memory.copy(o, x + (<usize>off << 2), <usize>n << 2);
    } else {
      for (let j = 0; j < n; j++) store<u32>(o + (<usize>j << 2), load<u32>(x + (<usize>(off + j * sl) << 2)));
    }
    o += <usize>n << 2;
    for (let d = last - 1; d >= 0; d--) {
      const c = counter + (<usize>d << 2);
      const cd = load<i32>(c) + 1;
      const sd = load<i32>(strides + (<usize>d << 2));
      const nd = load<i32>(dims + (<usize>d << 2));
      if (cd < nd) {
        store<i32>(c, cd);
        off += sd;
        break;
      }
      store<i32>(c, 0);
      off -= sd * (nd - 1);
    }
  }
}
