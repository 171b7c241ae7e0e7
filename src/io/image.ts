/**
 * Tensors as greyscale pictures: one 2-D tensor as an image, or many as a grid of tiles (as
 * torchvision's `make_grid`), ready for `encodePng` / `writePng`.
 */
import { BackendError, ShapeError, ValueError, fmtShape } from "../base/errors.js";
import type { Tensor } from "../core/tensor.js";
import type { GrayImage } from "./png.js";

/**
 * Options of `toImage` and `imageGrid`.
 * @example
 * const options: ImageOptions = { min: 0, max: 1, scale: 8 }; // a fixed range: 0 black, 1 white
 * io.toImage(tensor([[0, 0.5], [1, 2]]), options).pixels.slice(0, 8); // Uint8Array [0, 0, 0, 0, 0, 0, 0, 0]
 * io.toImage(tensor([[0, 0.5], [1, 2]]), { min: 0, max: 1 }).pixels; // Uint8Array [0, 128, 255, 255]
 */
export interface ImageOptions {
  /** The value shown black (default: the smallest value, per tile in a grid). */
  min?: number;
  /** The value shown white (default: the largest value, per tile in a grid). */
  max?: number;
  /** Enlarge each pixel to a scale × scale block (default 1). */
  scale?: number;
}

/**
 * Options of `imageGrid`.
 * @example
 * const maps = rand([16, 7, 7]); // e.g. one sample's feature maps
 * const options: GridOptions = { columns: 8, padding: 2, normalize: "all" }; // one scale for every tile
 * const grid = io.imageGrid(maps, options);
 * [grid.width, grid.height]; // [74, 20]: 8 · 7 + 9 · 2 by 2 · 7 + 3 · 2, padding around every tile
 */
export interface GridOptions extends ImageOptions {
  /** Tiles per row (default: ⌈√count⌉). */
  columns?: number;
  /** Pixels between tiles (default 1). */
  padding?: number;
  /** Grey level of the padding, 0..255 (default 255, white). */
  background?: number;
  /** Scale every tile to its own range (default "each") or all tiles to the common range ("all"). */
  normalize?: "each" | "all";
}

function range(values: ArrayLike<number>, from: number, to: number): [number, number] {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = from; i < to; i++) {
    if (values[i] < lo) lo = values[i];
    if (values[i] > hi) hi = values[i];
  }
  return [lo, hi];
}

function checkScale(op: string, scale: number): void {
  if (!Number.isInteger(scale) || scale < 1)
    throw new ValueError(`${op}: scale must be a positive integer, got ${scale}`);
}

/**
 * A 2-D tensor (H, W) as an 8-bit greyscale image, values mapped linearly from [min, max] to
 * [0, 255] (by default the tensor's own range; a constant tensor is black).
 * @example
 * const x = rand([784]); // e.g. an MNIST image, flattened
 * await io.writePng("digit.png", io.toImage(x.reshape([28, 28]), { scale: 4 })); // a picture of 112 × 112 pixels
 * io.toImage(tensor([[0, 5], [10, 10]])).pixels; // Uint8Array [0, 128, 255, 255]
 */
export function toImage(t: Tensor, options: ImageOptions = {}): GrayImage {
  return imageGrid(imageTile("toImage", t), { ...options, padding: 0, columns: 1 });
}

/**
 * `toImage` on every backend, the GPU included: the tensor is read with one `await`.
 * @example
 * (await io.toImageAsync(tensor([[0, 5], [10, 10]]))).pixels; // Uint8Array [0, 128, 255, 255]
 */
export async function toImageAsync(t: Tensor, options: ImageOptions = {}): Promise<GrayImage> {
  return imageGridAsync(imageTile("toImageAsync", t), { ...options, padding: 0, columns: 1 });
}

function imageTile(op: string, t: Tensor): Tensor {
  if (t.rank !== 2) throw new ShapeError(`${op}: expected a 2-D tensor (H, W), got ${fmtShape(t.shape)}`);
  return t.reshape([1, ...t.shape]);
}

/**
 * Many same-sized 2-D tiles as one grid image: `tiles` is (N, H, W) or (N, 1, H, W), e.g. the filters
 * of a first conv layer or one sample's feature maps. Each tile is scaled to its own range unless
 * `normalize: "all"` (or explicit `min`/`max`). Reads the tiles synchronously: on webgpu use
 * `imageGridAsync`.
 * @example
 * const conv1 = new nn.Conv2d(1, 32, 5); // its weight: 32 filters (32, 1, 5, 5)
 * const grid = io.imageGrid(conv1.weight, { scale: 8, columns: 8, padding: 2 });
 * await io.writePng("filters.png", grid);
 * [grid.width, grid.height]; // [338, 170]: 8 columns and 4 rows of 40-pixel tiles, 2 pixels apart
 */
export function imageGrid(tiles: Tensor, options: GridOptions = {}): GrayImage {
  const layout = gridLayout("imageGrid", tiles, options);
  const { backend } = layout.tiles;
  if (backend.asyncReads) {
    throw new BackendError(
      `imageGrid: reads the tiles on the host, which the ${backend.name} backend cannot do synchronously; ` +
        "use `await io.imageGridAsync(...)` (or `await io.toImageAsync(...)` for toImage)",
    );
  }
  return drawGrid(layout, layout.tiles.dataSync(), options);
}

/**
 * `imageGrid` on every backend, the GPU included: the tiles are read with one `await`.
 * @example
 * const grid = await io.imageGridAsync(rand([16, 7, 7]), { columns: 8, padding: 2 });
 * [grid.width, grid.height]; // [74, 20]
 */
export async function imageGridAsync(tiles: Tensor, options: GridOptions = {}): Promise<GrayImage> {
  const layout = gridLayout("imageGridAsync", tiles, options);
  return drawGrid(layout, await layout.tiles.data(), options);
}

interface GridLayout {
  tiles: Tensor;
  n: number;
  h: number;
  w: number;
  scale: number;
  padding: number;
  columns: number;
}

/** Checks the tiles and options (before any read) and works out the grid. */
function gridLayout(op: string, tiles: Tensor, options: GridOptions): GridLayout {
  const t =
    tiles.rank === 4 && tiles.shape[1] === 1
      ? tiles.reshape([tiles.shape[0], ...tiles.shape.slice(2)])
      : tiles;
  if (t.rank !== 3 || t.size === 0) {
    throw new ShapeError(`${op}: expected tiles (N, H, W) or (N, 1, H, W), got ${fmtShape(tiles.shape)}`);
  }
  const [n, h, w] = t.shape;
  const scale = options.scale ?? 1;
  checkScale(op, scale);
  const padding = options.padding ?? 1;
  const columns = options.columns ?? Math.ceil(Math.sqrt(n));
  if (!Number.isInteger(padding) || padding < 0 || !Number.isInteger(columns) || columns < 1) {
    throw new ValueError(
      `${op}: padding must be ≥ 0 and columns ≥ 1 (integers), got ${padding} and ${columns}`,
    );
  }
  return { tiles: t, n, h, w, scale, padding, columns };
}

function drawGrid(layout: GridLayout, values: ArrayLike<number>, options: GridOptions): GrayImage {
  const { n, h, w, scale, padding, columns } = layout;
  const rows = Math.ceil(n / columns);
  const th = h * scale;
  const tw = w * scale;
  const width = columns * tw + (columns + 1) * padding;
  const height = rows * th + (rows + 1) * padding;
  const pixels = new Uint8Array(width * height).fill(options.background ?? 255);
  const all = range(values, 0, values.length);
  for (let i = 0; i < n; i++) {
    const [tlo, thi] = options.normalize === "all" ? all : range(values, i * h * w, (i + 1) * h * w);
    const lo = options.min ?? tlo;
    const hi = options.max ?? thi;
    const span = hi - lo;
    const x0 = padding + (i % columns) * (tw + padding);
    const y0 = padding + Math.floor(i / columns) * (th + padding);
    for (let y = 0; y < th; y++) {
      const src = i * h * w + Math.floor(y / scale) * w;
      const dst = (y0 + y) * width + x0;
      for (let x = 0; x < tw; x++) {
        const v = values[src + Math.floor(x / scale)];
        const g = span > 0 ? ((v - lo) / span) * 255 : 0;
        pixels[dst + x] = Math.max(0, Math.min(255, Math.round(g)));
      }
    }
  }
  return { width, height, pixels };
}

/**
 * Images one above the other, each centred, with `gap` rows of `background` between them: for
 * composing a figure from several grids.
 * @example
 * const filters = randn([32, 5, 5]), maps = rand([32, 24, 24]);
 * const figure = io.stackImages([io.imageGrid(filters), io.imageGrid(maps)], { gap: 8 });
 * await io.writePng("figure.png", figure);
 * figure.width; // 151: the wider grid's, 6 tiles of 24 and 7 of padding
 */
export function stackImages(
  images: GrayImage[],
  options: { gap?: number; background?: number } = {},
): GrayImage {
  if (images.length === 0) throw new ValueError("stackImages: needs at least one image");
  const gap = options.gap ?? 4;
  const width = Math.max(...images.map((im) => im.width));
  const height = images.reduce((h, im) => h + im.height, 0) + gap * (images.length - 1);
  const pixels = new Uint8Array(width * height).fill(options.background ?? 255);
  let y0 = 0;
  for (const im of images) {
    const x0 = Math.floor((width - im.width) / 2);
    for (let y = 0; y < im.height; y++) {
      pixels.set(im.pixels.subarray(y * im.width, (y + 1) * im.width), (y0 + y) * width + x0);
    }
    y0 += im.height + gap;
  }
  return { width, height, pixels };
}
