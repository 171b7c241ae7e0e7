import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { BackendError, ShapeError } from "../../src/base/errors.js";
import { arange, tensor } from "../../src/ops/creation.js";
import { imageGrid, imageGridAsync, stackImages, toImage, toImageAsync } from "../../src/io/image.js";
import { crc32, encodePng, writePng } from "../../src/io/png.js";
import { describeEachBackend, syncReads } from "../helpers/backends.js";

/** Splits a PNG file into its chunks, checking each CRC with the table-free bitwise definition. */
function chunks(png: Uint8Array): { type: string; data: Uint8Array }[] {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const out: { type: string; data: Uint8Array }[] = [];
  for (let at = 8; at < png.length; ) {
    const len = view.getUint32(at);
    const type = String.fromCharCode(...png.subarray(at + 4, at + 8));
    const data = png.subarray(at + 8, at + 8 + len);
    let c = 0xffffffff;
    for (const b of png.subarray(at + 4, at + 8 + len)) {
      c ^= b;
      for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
    }
    expect(view.getUint32(at + 8 + len), `CRC of ${type}`).toBe(~c >>> 0);
    out.push({ type, data });
    at += 12 + len;
  }
  return out;
}

describe("PNG encoder", () => {
  it("computes the standard CRC-32", () => {
    expect(crc32(new TextEncoder().encode("123456789"))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
    // continuing a CRC over a second part equals the CRC of the whole
    const all = new TextEncoder().encode("hello, world");
    expect(crc32(all.subarray(5), crc32(all.subarray(0, 5)))).toBe(crc32(all));
  });

  it("writes signature, IHDR (8-bit greyscale), IDAT with filtered scanlines and IEND", async () => {
    const pixels = new Uint8Array([0, 50, 100, 150, 200, 250]);
    const png = await encodePng({ width: 3, height: 2, pixels });
    expect(Array.from(png.subarray(0, 8))).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const parts = chunks(png);
    expect(parts.map((p) => p.type)).toEqual(["IHDR", "IDAT", "IEND"]);
    const ihdr = new DataView(parts[0].data.buffer, parts[0].data.byteOffset, 13);
    expect([ihdr.getUint32(0), ihdr.getUint32(4)]).toEqual([3, 2]);
    expect(Array.from(parts[0].data.subarray(8))).toEqual([8, 0, 0, 0, 0]);
    expect(Array.from(inflateSync(parts[1].data))).toEqual([0, 0, 50, 100, 0, 150, 200, 250]);
    expect(parts[2].data.length).toBe(0);
  });

  it("rejects pixels that do not fill the image", async () => {
    await expect(encodePng({ width: 3, height: 3, pixels: new Uint8Array(8) })).rejects.toThrow(ShapeError);
  });

  it("writes a file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "strata-png-"));
    try {
      const path = join(dir, "sub", "x.png");
      await writePng(path, { width: 1, height: 1, pixels: new Uint8Array([128]) });
      expect(readFileSync(path).subarray(1, 4).toString()).toBe("PNG");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/**
 * On every backend through the async forms; the synchronous ones give the same pixels where reads are
 * synchronous and, on webgpu, throw a BackendError naming the async form.
 */
describeEachBackend("images from tensors", () => {
  it("maps a tensor's range to 0..255 and enlarges pixels", async () => {
    const t = tensor([
      [0, 1],
      [2, 4],
    ]);
    const img = await toImageAsync(t, { scale: 2 });
    expect([img.width, img.height]).toEqual([4, 4]);
    expect(Array.from(img.pixels.subarray(0, 4))).toEqual([0, 0, 64, 64]);
    expect(Array.from(img.pixels.subarray(12, 16))).toEqual([128, 128, 255, 255]);
    if (syncReads()) expect(toImage(t, { scale: 2 })).toEqual(img);
    else
      expect(() => toImage(t)).toThrow(
        /^imageGrid: .*use `await io\.imageGridAsync\(\.\.\.\)` \(or `await io\.toImageAsync\(\.\.\.\)`/,
      );
    expect(() => toImage(arange(0, 4))).toThrow(ShapeError);
    await expect(toImageAsync(arange(0, 4))).rejects.toThrow(ShapeError);
  });

  it("lays tiles out in a grid with padding, each tile scaled to its own range", async () => {
    const tiles = arange(0, 12, 1, { dtype: "float32" }).reshape([3, 1, 2, 2]);
    const grid = await imageGridAsync(tiles, { columns: 2, padding: 1, background: 7 });
    // 2 columns × 2 px + 3 padding = 7 wide; 2 rows × 2 px + 3 padding = 7 high
    expect([grid.width, grid.height]).toEqual([7, 7]);
    const at = (x: number, y: number) => grid.pixels[y * 7 + x];
    expect([at(0, 0), at(1, 1), at(2, 2), at(4, 1), at(5, 2)]).toEqual([7, 0, 255, 0, 255]);
    expect(at(1, 4)).toBe(0); // third tile, second row
    expect(at(4, 4)).toBe(7); // the empty fourth slot stays background
    const shared = await imageGridAsync(tiles, { normalize: "all", padding: 0, columns: 3 });
    expect(shared.pixels[0]).toBe(0);
    expect(shared.pixels[shared.width - 1]).toBe(Math.round((9 / 11) * 255));
    if (syncReads()) expect(imageGrid(tiles, { columns: 2, padding: 1, background: 7 })).toEqual(grid);
    else expect(() => imageGrid(tiles)).toThrow(BackendError);
  });
});

describe("stackImages", () => {
  it("puts images one above the other, centred, with a gap", () => {
    const a = { width: 3, height: 1, pixels: new Uint8Array([1, 2, 3]) };
    const b = { width: 1, height: 1, pixels: new Uint8Array([9]) };
    const s = stackImages([a, b], { gap: 1, background: 0 });
    expect([s.width, s.height]).toEqual([3, 3]);
    expect(Array.from(s.pixels)).toEqual([1, 2, 3, 0, 0, 0, 0, 9, 0]);
  });
});
