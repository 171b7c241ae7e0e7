/**
 * A drawing on a canvas made to look like an MNIST digit, which is what the network knows: MNIST's
 * digits were scaled to fit a 20×20 box (keeping their proportions) and placed in a 28×28 image with
 * their centre of mass in the middle. A digit drawn large, small or off-centre is treated the same way.
 * Pure arithmetic, no DOM: the page and the tests share it.
 */

/**
 * `ink` holds `width · height` values in [0, 1] (1 = full stroke), row by row. Returns 784 values in
 * [0, 1] (a 28×28 image, row by row), or null when nothing is drawn.
 */
export function toMnistImage(ink: ArrayLike<number>, width: number, height: number): Float32Array | null {
  let [left, top, right, bottom] = [width, height, -1, -1];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (ink[y * width + x] > 0.05) {
        left = Math.min(left, x);
        right = Math.max(right, x);
        top = Math.min(top, y);
        bottom = Math.max(bottom, y);
      }
    }
  }
  if (right < 0) return null;
  const w = right - left + 1;
  const h = bottom - top + 1;
  // the longer side becomes 20 pixels; each small pixel is the mean of the canvas pixels it covers
  const scale = 20 / Math.max(w, h);
  const bw = Math.max(1, Math.round(w * scale));
  const bh = Math.max(1, Math.round(h * scale));
  const sum = new Float32Array(bw * bh);
  const count = new Float32Array(bw * bh);
  for (let y = 0; y < h; y++) {
    const by = Math.min(bh - 1, Math.floor(y * scale));
    for (let x = 0; x < w; x++) {
      const bx = Math.min(bw - 1, Math.floor(x * scale));
      sum[by * bw + bx] += ink[(top + y) * width + left + x];
      count[by * bw + bx] += 1;
    }
  }
  const box = sum.map((s, i) => (count[i] > 0 ? s / count[i] : 0));
  // the centre of mass of the box goes to the middle of the 28×28 image
  let mass = 0;
  let cx = 0;
  let cy = 0;
  for (let y = 0; y < bh; y++) {
    for (let x = 0; x < bw; x++) {
      const v = box[y * bw + x];
      mass += v;
      cx += v * x;
      cy += v * y;
    }
  }
  const dx = Math.round(14 - cx / mass - 0.5);
  const dy = Math.round(14 - cy / mass - 0.5);
  const out = new Float32Array(784);
  for (let y = 0; y < bh; y++) {
    for (let x = 0; x < bw; x++) {
      const tx = x + dx;
      const ty = y + dy;
      if (tx >= 0 && tx < 28 && ty >= 0 && ty < 28) out[ty * 28 + tx] = Math.min(1, box[y * bw + x]);
    }
  }
  return out;
}
