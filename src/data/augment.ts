/**
 * Image augmentations for `[N, C, H, W]` batches or single `[C, H, W]` images: random crops with
 * padding, flips, shifts, rotations and affine maps, normalisation, and `Compose` to chain them.
 * Each image of a batch draws its own random parameters (as Keras' preprocessing layers do; torchvision's
 * tensor transforms draw one set per call), from a seeded `Generator` for reproducible runs.
 * `TransformedDataset` (transformed_dataset.ts) applies them to every batch a DataLoader or `fit` draws.
 *
 * The random geometric transforms are computed on the host from one read of the batch (data
 * preparation, no gradient): on ref and wasm. On webgpu, which reads asynchronously, they throw.
 */

import { isFloat } from "../base/dtype.js";
import { BackendError, ShapeError, ValueError, fmtShape } from "../base/errors.js";
import { type Generator as RandomGenerator, defaultGenerator } from "../core/random.js";
import type { Tensor } from "../core/tensor.js";
import { fromHost } from "../ops/creation.js";
import { type Stat, normalize } from "./transforms.js";

/**
 * Options shared by the random transforms.
 * @example
 * const options: RandomOptions = { generator: new Generator(1) }; // its own reproducible stream
 * new data.RandomHorizontalFlip(options).apply(rand([4, 1, 2, 2])).shape; // [4, 1, 2, 2]
 */
export interface RandomOptions {
  /** Source of the random parameters (default: the library generator, seeded by `manualSeed`). */
  generator?: RandomGenerator;
}

/** One image's plane of pixels: `src` and `dst` are `[H, W]` planes of one channel. */
type PlaneMap = (src: Float64Array | Float32Array, dst: Float32Array | Float64Array) => void;

/**
 * Reads `x` (`[N, C, H, W]` or `[C, H, W]`) on the host and builds the output image by image: `perImage`
 * draws that image's parameters and returns the map applied to each of its channels.
 */
function mapImages(
  op: string,
  x: Tensor,
  outH: number,
  outW: number,
  perImage: (h: number, w: number) => PlaneMap,
): Tensor {
  if (x.rank !== 3 && x.rank !== 4) {
    throw new ShapeError(
      `${op}: expected images [N, C, H, W] or one image [C, H, W], got ${fmtShape(x.shape)}`,
    );
  }
  if (x.backend.asyncReads) {
    throw new BackendError(
      `${op}: random augmentations are computed on the host, which the ${x.backend.name} backend cannot ` +
        "read synchronously; augment on ref or wasm (e.g. in the dataset, before the batch moves to the GPU)",
    );
  }
  const [n, c, h, w] = x.rank === 4 ? x.shape : [1, ...x.shape];
  const dtype = isFloat(x.dtype) ? x.dtype : "float32";
  const values = x.dataSync();
  const src = dtype === "float64" ? Float64Array.from(values) : Float32Array.from(values);
  const dst =
    dtype === "float64" ? new Float64Array(n * c * outH * outW) : new Float32Array(n * c * outH * outW);
  for (let i = 0; i < n; i++) {
    const map = perImage(h, w);
    for (let k = 0; k < c; k++) {
      const plane = i * c + k;
      map(
        src.subarray(plane * h * w, (plane + 1) * h * w),
        dst.subarray(plane * outH * outW, (plane + 1) * outH * outW),
      );
    }
  }
  const shape = x.rank === 4 ? [n, c, outH, outW] : [c, outH, outW];
  return fromHost(dst, shape, dtype);
}

function pair(op: string, name: string, v: number | readonly [number, number]): [number, number] {
  const [a, b] = typeof v === "number" ? [v, v] : v;
  if (!(Number.isInteger(a) && Number.isInteger(b) && a >= 0 && b >= 0)) {
    throw new ValueError(`${op}: ${name} must be a non-negative integer or a pair of them, got ${String(v)}`);
  }
  return [a, b];
}

/**
 * Options of {@link RandomCrop}.
 * @example
 * const options: RandomCropOptions = { padding: 4 }; // CIFAR's usual: pad 4, crop back to 32×32
 * new data.RandomCrop(32, options).apply(rand([2, 3, 32, 32])).shape; // [2, 3, 32, 32]
 */
export interface RandomCropOptions extends RandomOptions {
  /** Pixels added on each side before cropping: one number, or `[top/bottom, left/right]` (default 0). */
  padding?: number | readonly [number, number];
  /** The value of the padding (default 0). */
  fill?: number;
}

/**
 * A random `size` window of each image, after padding it with `fill` (torchvision's `RandomCrop` with
 * `padding`): with padding 4 and the image's own size, a random shift of up to 4 pixels.
 * @example
 * const crop = new data.RandomCrop(2, { generator: new Generator(0) });
 * const image = arange(9).reshape([1, 1, 3, 3]); // one 3×3 image: rows 0 1 2, 3 4 5, 6 7 8
 * crop.apply(image).shape; // [1, 1, 2, 2]: one of the four 2×2 windows
 * new data.RandomCrop([28, 28], { padding: 2 }).apply(rand([8, 1, 28, 28])).shape; // [8, 1, 28, 28]
 */
export class RandomCrop {
  readonly size: [number, number];
  readonly padding: [number, number];
  readonly fill: number;
  private readonly generator: RandomGenerator | undefined;

  constructor(size: number | readonly [number, number], options: RandomCropOptions = {}) {
    this.size = pair("RandomCrop", "size", size);
    this.padding = pair("RandomCrop", "padding", options.padding ?? 0);
    this.fill = options.fill ?? 0;
    this.generator = options.generator;
    if (this.size[0] === 0 || this.size[1] === 0)
      throw new ValueError(`RandomCrop: size must be positive, got ${size}`);
  }

  apply(x: Tensor): Tensor {
    const [outH, outW] = this.size;
    const [py, px] = this.padding;
    const rng = this.generator ?? defaultGenerator;
    const [h, w] = x.shape.slice(-2);
    if (x.rank >= 3 && (outH > h + 2 * py || outW > w + 2 * px)) {
      throw new ShapeError(
        `RandomCrop: a ${outH}×${outW} crop does not fit images of ${h}×${w} padded by ${py}×${px} ` +
          `(input ${fmtShape(x.shape)})`,
      );
    }
    const fill = this.fill;
    return mapImages("RandomCrop", x, outH, outW, (h, w) => {
      const top = rng.int(0, h + 2 * py - outH + 1) - py;
      const left = rng.int(0, w + 2 * px - outW + 1) - px;
      return (src, dst) => {
        for (let i = 0; i < outH; i++) {
          const y = top + i;
          for (let j = 0; j < outW; j++) {
            const xx = left + j;
            dst[i * outW + j] = y >= 0 && y < h && xx >= 0 && xx < w ? src[y * w + xx] : fill;
          }
        }
      };
    });
  }
}

/**
 * Mirrors each image left to right with probability `p` (default 0.5), as torchvision's
 * `RandomHorizontalFlip` and Keras' `RandomFlip("horizontal")`.
 * @example
 * const always = new data.RandomHorizontalFlip({ p: 1 });
 * always.apply(tensor([[[1, 2, 3]]])).toArray(); // [[[3, 2, 1]]]
 */
export class RandomHorizontalFlip {
  readonly p: number;
  private readonly generator: RandomGenerator | undefined;

  constructor(options: RandomOptions & { p?: number } = {}) {
    this.p = options.p ?? 0.5;
    if (!(this.p >= 0 && this.p <= 1))
      throw new ValueError(`RandomHorizontalFlip: p must be in [0, 1], got ${this.p}`);
    this.generator = options.generator;
  }

  apply(x: Tensor): Tensor {
    const rng = this.generator ?? defaultGenerator;
    const [h, w] = x.shape.slice(-2);
    return mapImages("RandomHorizontalFlip", x, h, w, (h, w) => {
      const flip = rng.uniform() < this.p;
      return (src, dst) => {
        if (!flip) return dst.set(src);
        for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) dst[i * w + j] = src[i * w + w - 1 - j];
      };
    });
  }
}

/**
 * Options of {@link RandomShift}.
 * @example
 * const options: RandomShiftOptions = { maxShift: [2, 3] }; // up to 2 rows and 3 columns
 * new data.RandomShift(options).apply(rand([4, 1, 8, 8])).shape; // [4, 1, 8, 8]
 */
export interface RandomShiftOptions extends RandomOptions {
  /** The largest shift in whole pixels, for both axes or `[rows, columns]`. */
  maxShift: number | readonly [number, number];
  /** The value of the pixels shifted in (default 0). */
  fill?: number;
}

/**
 * Moves each image by a random whole number of pixels, up to `maxShift` each way, filling the edge
 * it uncovers with `fill`: a translation without interpolation (as `RandomCrop` with padding, but the
 * size is kept and nothing is blurred).
 * @example
 * const shift = new data.RandomShift({ maxShift: 1, generator: new Generator(3) });
 * const moved = shift.apply(ones([2, 1, 5, 5]));
 * moved.sum([1, 2, 3]).toArray(); // [20, 20]: with this seed each image moved by one row or column
 */
export class RandomShift {
  readonly maxShift: [number, number];
  readonly fill: number;
  private readonly generator: RandomGenerator | undefined;

  constructor(options: RandomShiftOptions) {
    this.maxShift = pair("RandomShift", "maxShift", options.maxShift);
    this.fill = options.fill ?? 0;
    this.generator = options.generator;
  }

  apply(x: Tensor): Tensor {
    const rng = this.generator ?? defaultGenerator;
    const [my, mx] = this.maxShift;
    const [h, w] = x.shape.slice(-2);
    const fill = this.fill;
    return mapImages("RandomShift", x, h, w, (h, w) => {
      const dy = rng.int(-my, my + 1);
      const dx = rng.int(-mx, mx + 1);
      return (src, dst) => {
        for (let i = 0; i < h; i++) {
          const y = i - dy;
          for (let j = 0; j < w; j++) {
            const xx = j - dx;
            dst[i * w + j] = y >= 0 && y < h && xx >= 0 && xx < w ? src[y * w + xx] : fill;
          }
        }
      };
    });
  }
}

/**
 * Options of {@link RandomAffine}.
 * @example
 * const options: RandomAffineOptions = { degrees: 15, translate: [0.1, 0.1], scale: [0.9, 1.1] };
 * new data.RandomAffine(options).apply(rand([4, 1, 28, 28])).shape; // [4, 1, 28, 28]
 */
export interface RandomAffineOptions extends RandomOptions {
  /** Rotation range in degrees: `d` for [−d, d], or `[min, max]` (default 0: none). */
  degrees?: number | readonly [number, number];
  /**
   * Largest shifts as fractions of the width and height, `[fx, fy]`, as torchvision: the shift is drawn
   * from (−fx·W, fx·W) and (−fy·H, fy·H) pixels, not rounded (default: none).
   */
  translate?: readonly [number, number];
  /** Zoom range `[min, max]`, 1 for the original size (default: none). */
  scale?: readonly [number, number];
  /** The value of pixels that come from outside the image (default 0). */
  fill?: number;
  /** "bilinear" (default, as Keras) blends the four nearest pixels; "nearest" (torchvision's default) takes one. */
  interpolation?: "bilinear" | "nearest";
}

/** Uniform in [lo, hi) about the midpoint (so a symmetric range draws `(2u − 1)·hi` exactly); no draw when lo = hi. */
function between(rng: RandomGenerator, lo: number, hi: number): number {
  if (lo === hi) return lo;
  return (rng.uniform() * 2 - 1) * ((hi - lo) / 2) + (lo + hi) / 2;
}

function degreeRange(op: string, d: number | readonly [number, number]): [number, number] {
  const [lo, hi] = typeof d === "number" ? [-Math.abs(d), Math.abs(d)] : d;
  if (!(Number.isFinite(lo) && Number.isFinite(hi) && lo <= hi)) {
    throw new ValueError(`${op}: degrees must be a number or [min, max] with min ≤ max, got ${String(d)}`);
  }
  return [lo, hi];
}

/**
 * A random rotation, shift and zoom of each image about its centre (torchvision's `RandomAffine`
 * without shear), each output pixel looked up where it came from in the input. The parameters are
 * drawn per image in the order angle, scale, x shift, y shift; those not asked for are not drawn.
 * @example
 * const affine = new data.RandomAffine({ degrees: 15, translate: [2 / 28, 2 / 28], scale: [0.9, 1.1] });
 * const digits = rand([8, 1, 28, 28]);
 * affine.apply(digits).shape; // [8, 1, 28, 28]
 * // a zero-range map is the identity
 * const same = new data.RandomAffine({ degrees: [0, 0] }).apply(digits);
 * same.sub(digits).abs().max().item(); // 0
 */
export class RandomAffine {
  readonly degrees: [number, number];
  readonly translate: readonly [number, number] | undefined;
  readonly scale: readonly [number, number] | undefined;
  readonly fill: number;
  readonly interpolation: "bilinear" | "nearest";
  private readonly generator: RandomGenerator | undefined;
  private readonly op: string;

  /** `op` names the transform in error messages (RandomRotation passes its own name). */
  constructor(options: RandomAffineOptions, op = "RandomAffine") {
    this.op = op;
    this.degrees = degreeRange(op, options.degrees ?? 0);
    this.translate = options.translate;
    this.scale = options.scale;
    this.fill = options.fill ?? 0;
    this.interpolation = options.interpolation ?? "bilinear";
    this.generator = options.generator;
    const t = this.translate;
    if (t && !(t.length === 2 && t.every((f) => f >= 0 && f <= 1))) {
      throw new ValueError(`${op}: translate must be [fx, fy] with fractions in [0, 1], got [${t}]`);
    }
    const s = this.scale;
    if (s && !(s.length === 2 && s[0] > 0 && s[0] <= s[1])) {
      throw new ValueError(`${op}: scale must be [min, max] with 0 < min ≤ max, got [${s}]`);
    }
    if (this.interpolation !== "bilinear" && this.interpolation !== "nearest") {
      throw new ValueError(
        `${op}: interpolation must be "bilinear" or "nearest", got "${this.interpolation}"`,
      );
    }
  }

  apply(x: Tensor): Tensor {
    const rng = this.generator ?? defaultGenerator;
    const [lo, hi] = this.degrees;
    const { translate, scale, fill } = this;
    const nearest = this.interpolation === "nearest";
    const [h, w] = x.shape.slice(-2);
    return mapImages(this.op, x, h, w, (h, w) => {
      const angle = (between(rng, lo, hi) * Math.PI) / 180;
      const zoom = scale ? between(rng, scale[0], scale[1]) : 1;
      const dx = translate ? between(rng, -translate[0] * w, translate[0] * w) : 0;
      const dy = translate ? between(rng, -translate[1] * h, translate[1] * h) : 0;
      // the inverse map: output pixel → the input point it came from (undo the shift, then rotation and
      // zoom). With y pointing down, rotating the lookup clockwise turns the picture counter-clockwise
      const cos = Math.cos(angle) / zoom;
      const sin = -Math.sin(angle) / zoom;
      const cx = (w - 1) / 2;
      const cy = (h - 1) / 2;
      return (src, dst) => {
        const at = (xx: number, yy: number) =>
          xx >= 0 && xx < w && yy >= 0 && yy < h ? src[yy * w + xx] : fill;
        for (let y = 0; y < h; y++) {
          for (let xo = 0; xo < w; xo++) {
            const u = xo - cx - dx;
            const v = y - cy - dy;
            const sx = cos * u + sin * v + cx;
            const sy = -sin * u + cos * v + cy;
            if (nearest) {
              dst[y * w + xo] = at(Math.round(sx), Math.round(sy));
              continue;
            }
            const x0 = Math.floor(sx);
            const y0 = Math.floor(sy);
            const fx = sx - x0;
            const fy = sy - y0;
            dst[y * w + xo] =
              (1 - fy) * ((1 - fx) * at(x0, y0) + fx * at(x0 + 1, y0)) +
              fy * ((1 - fx) * at(x0, y0 + 1) + fx * at(x0 + 1, y0 + 1));
          }
        }
      };
    });
  }
}

/**
 * Rotates each image by a random angle in [−degrees, degrees] (or `[min, max]`) about its centre, as
 * torchvision's `RandomRotation`; the corners it uncovers take `fill`. A {@link RandomAffine} with
 * rotation only.
 * @example
 * const quarter = new data.RandomRotation([90, 90]); // exactly 90°, counter-clockwise on screen
 * quarter.apply(tensor([[[1, 2], [3, 4]]])).toArray(); // [[[2, 4], [1, 3]]]
 */
export class RandomRotation extends RandomAffine {
  constructor(
    degrees: number | readonly [number, number],
    options: RandomOptions & Pick<RandomAffineOptions, "fill" | "interpolation"> = {},
  ) {
    super({ ...options, degrees }, "RandomRotation");
  }
}

/**
 * `(x − mean) / std` per channel of `[N, C, H, W]` or `[C, H, W]` images (torchvision's `Normalize`),
 * as a transform to put at the end of a {@link Compose}. Runs as tensor ops, on every backend.
 * @example
 * const norm = new data.Normalize([0.5, 0.25], [0.5, 0.25]);
 * norm.apply(full([1, 2, 1, 1], 0.5)).toArray(); // [[[[0]], [[1]]]]
 * norm.apply(full([2, 1, 1], 0.5)).toArray(); // [[[0]], [[1]]]: one image, channels first
 */
export class Normalize {
  constructor(
    readonly mean: Stat,
    readonly std: Stat,
  ) {}

  apply(x: Tensor): Tensor {
    if (x.rank !== 3 && x.rank !== 4) {
      throw new ShapeError(
        `Normalize: expected images [N, C, H, W] or one image [C, H, W], got ${fmtShape(x.shape)}`,
      );
    }
    return normalize(x, this.mean, this.std, x.rank - 3);
  }
}
