// AssemblyScript: a strided 2-D copy of 32-bit values (float32 or int32) into a contiguous block.
// Transposed reads go through 8x8 tiles so both the reads and the writes stay within a few cache lines.

/** `pitch`: elements between output rows (cols for a contiguous result, more when writing into a pad). */
export function copy2d_32(x: usize, s0: i32, s1: i32, out: usize, rows: i32, cols: i32, pitch: i32): void {
  if (s1 == 1) {
    for (let r = 0; r < rows; r++) {
      memory.copy(out + (<usize>(r * pitch) << 2), x + (<usize>(r * s0) << 2), <usize>cols << 2);
    }
    return;
  }
  for (let r0 = 0; r0 < rows; r0 += 8) {
    const r1 = min(rows, r0 + 8);
    for (let c0 = 0; c0 < cols; c0 += 8) {
      const c1 = min(cols, c0 + 8);
      for (let r = r0; r < r1; r++) {
        const src = x + (<usize>(r * s0) << 2);
        const dst = out + (<usize>(r * pitch) << 2);
        for (let c = c0; c < c1; c++) store<u32>(dst + (<usize>c << 2), load<u32>(src + (<usize>(c * s1) << 2)));
      }
    }
  }
}
