/**
 * A small PNG encoder for 8-bit greyscale images: enough to look at filters, feature maps and samples
 * without a dependency. Compression is zlib's deflate, from `node:zlib` in Node (loaded with a dynamic
 * import, so a browser bundle still builds) or the standard `CompressionStream` in browsers.
 */
import { ShapeError, ValueError } from "../base/errors.js";
import { writeAtomic } from "./atomic_write.js";

/**
 * An 8-bit greyscale image: `pixels` holds `width · height` values (0 black, 255 white), row by row.
 * @example
 * const img: GrayImage = { width: 2, height: 1, pixels: new Uint8Array([0, 255]) }; // black, white
 * await io.writePng("two-pixels.png", img);
 */
export interface GrayImage {
  width: number;
  height: number;
  pixels: Uint8Array;
}

let crcTable: Uint32Array | null = null;

/**
 * CRC-32 (the IEEE polynomial PNG and zlib use) of `bytes`, continuing from `crc` when given.
 * @example
 * crc32(new TextEncoder().encode("123456789")).toString(16) // "cbf43926"
 * crc32(new TextEncoder().encode("6789"), crc32(new TextEncoder().encode("12345"))).toString(16); // "cbf43926"
 */
export function crc32(bytes: Uint8Array, crc = 0): number {
  if (crcTable === null) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = ~crc >>> 0;
  for (let i = 0; i < bytes.length; i++) c = crcTable[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

/** zlib-wrapped deflate (RFC 1950), as PNG's IDAT needs. */
async function zlibDeflate(data: Uint8Array): Promise<Uint8Array> {
  try {
    const zlib = await import("node:zlib");
    return new Uint8Array(zlib.deflateSync(data));
  } catch {
    // browsers: "deflate" is the zlib format
    const stream = new Blob([data as BlobPart]).stream().pipeThrough(new CompressionStream("deflate"));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  }
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

function checkImage(image: GrayImage): void {
  const { width, height, pixels } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new ValueError(`encodePng: width and height must be positive integers, got ${width}×${height}`);
  }
  if (pixels.length !== width * height) {
    throw new ShapeError(
      `encodePng: ${pixels.length} pixels do not fill a ${width}×${height} image (${width * height} pixels)`,
    );
  }
}

/**
 * The bytes of a PNG file (8-bit greyscale, no interlacing) for `image`.
 * @example
 * const png = await io.encodePng({ width: 2, height: 2, pixels: new Uint8Array([0, 85, 170, 255]) });
 * png.slice(1, 4); // Uint8Array [80, 78, 71]: "PNG"
 */
export async function encodePng(image: GrayImage): Promise<Uint8Array> {
  checkImage(image);
  const { width, height, pixels } = image;
  // each scanline starts with its filter type (0: none)
  const raw = new Uint8Array(height * (width + 1));
  for (let y = 0; y < height; y++) raw.set(pixels.subarray(y * width, (y + 1) * width), y * (width + 1) + 1);
  const header = new Uint8Array(13);
  const hv = new DataView(header.buffer);
  hv.setUint32(0, width);
  hv.setUint32(4, height);
  header[8] = 8; // bit depth
  header[9] = 0; // colour type: greyscale
  // compression 0 (deflate), filter method 0, no interlace: already zero
  const parts = [
    new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", await zlibDeflate(raw)),
    chunk("IEND", new Uint8Array(0)),
  ];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * Encodes `image` as PNG and writes it to `path` atomically, creating the folder (Node only).
 * @example
 * const images = rand([8, 1, 28, 28]); // a batch of images (N, 1, H, W)
 * await io.writePng("out/digit.png", io.toImage(images.select(0, 0).squeeze())); // creates out/
 */
export async function writePng(path: string, image: GrayImage): Promise<void> {
  await writeAtomic(path, await encodePng(image), { op: "writePng" });
}
