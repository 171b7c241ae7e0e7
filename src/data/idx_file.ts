/**
 * `loadIdx`: an IDX file (MNIST, Fashion-MNIST, EMNIST, KMNIST ...) from a path, a URL or its bytes,
 * gzip-compressed or not. Compression is recognised by gzip's magic bytes, not by the file name.
 *
 * Node's modules are imported inside the functions that need them, so a browser bundle of this module
 * loads; there gzip is undone by the standard `DecompressionStream` and paths are fetched as URLs.
 */

import { BackendError, FileError, ValueError } from "../base/errors.js";
import { isNode } from "../base/platform.js";
import { fileError } from "../io/file_error.js";
import { type IdxArray, parseIdx } from "./idx.js";

/**
 * Whether `bytes` start with gzip's magic number (0x1f 0x8b).
 * @example
 * data.isGzip(new Uint8Array([0x1f, 0x8b, 8, 0])); // true
 * data.isGzip(new Uint8Array([0, 0, 8, 1])); // false: a plain IDX header
 */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Undoes gzip with the web platform's `DecompressionStream` (browsers, Deno, Node ≥ 18): what
 * `loadIdx` uses where `node:zlib` is absent.
 * @example
 * const packed = new Uint8Array(await new Response(new Blob([new Uint8Array([1, 2, 3])]).stream().pipeThrough(new CompressionStream("gzip"))).arrayBuffer());
 * await gunzipWeb(packed); // Uint8Array [1, 2, 3]
 */
export async function gunzipWeb(bytes: Uint8Array): Promise<Uint8Array> {
  if (typeof DecompressionStream !== "function") {
    throw new BackendError("gunzipWeb: this JavaScript engine has no DecompressionStream to undo gzip");
  }
  const stream = new Blob([bytes.slice()]).stream().pipeThrough(new DecompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

async function gunzip(bytes: Uint8Array, name: string): Promise<Uint8Array> {
  try {
    if (!isNode()) return await gunzipWeb(bytes);
    const { gunzip: unzip } = await import("node:zlib");
    const out = await new Promise<Uint8Array>((resolve, reject) =>
      unzip(bytes, (err, result) => (err ? reject(err) : resolve(result))),
    );
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  } catch (err) {
    throw new ValueError(
      `loadIdx: ${name} starts like a gzip file (0x1f 0x8b) but could not be decompressed: ${(err as Error).message}`,
    );
  }
}

async function readSource(source: string | URL, name: string): Promise<Uint8Array> {
  const url = source instanceof URL ? source : null;
  if (isNode() && (url === null || url.protocol === "file:")) {
    const fs = await import("node:fs/promises");
    try {
      const b = await fs.readFile(url ?? (source as string));
      return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    } catch (err) {
      throw fileError("loadIdx", "read", name, err);
    }
  }
  let response: Response;
  try {
    response = await fetch(source);
  } catch (err) {
    throw new FileError(`loadIdx: cannot fetch ${name}: ${(err as Error).message}`, name, { cause: err });
  }
  if (!response.ok) {
    throw new FileError(
      `loadIdx: cannot fetch ${name}: HTTP ${response.status} ${response.statusText}`,
      name,
    );
  }
  return new Uint8Array(await response.arrayBuffer());
}

/**
 * Reads an IDX file, gzip-compressed or not (told apart by gzip's magic bytes 0x1f 0x8b), and parses
 * it with {@link parseIdx}: its `dims` (the shape) and its values in a typed array of the file's type
 * (`Uint8Array` for MNIST's images and labels). `source` is a path (Node), a URL (fetched; `file:` URLs
 * are read in Node), or the file's bytes. Errors name the file: a `FileError` when it cannot be read,
 * a `ValueError` when its content is not IDX.
 * @example
 * ```ts
 * import { writeFile } from "node:fs/promises";
 * import { gzipSync } from "node:zlib";
 * // two 2×2 uint8 images: magic 0 0, type 0x08, 3 dimensions (2, 2, 2), then the 8 pixels
 * const idx = new Uint8Array([0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 2, 0, 255, 255, 0, 9, 9, 9, 9]);
 * await writeFile("images-idx3-ubyte.gz", gzipSync(idx));
 * const images = await data.loadIdx("images-idx3-ubyte.gz"); // gzip is recognised by its magic bytes
 * images.dims; // [2, 2, 2]
 * const x = fromHost(Float32Array.from(images.data, (v) => v / 255), images.dims, "float32");
 * x.toArray()[0]; // [[0, 1], [1, 0]]
 * (await data.loadIdx(idx)).type; // "uint8": bytes in memory work too
 * // Fashion-MNIST as Debian installs it: await data.loadIdx("/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz")
 * ```
 */
export async function loadIdx(source: string | URL | Uint8Array | ArrayBuffer): Promise<IdxArray> {
  const name = source instanceof Uint8Array || source instanceof ArrayBuffer ? "IDX bytes" : String(source);
  let bytes: Uint8Array;
  if (source instanceof Uint8Array) bytes = source;
  else if (source instanceof ArrayBuffer) bytes = new Uint8Array(source);
  else bytes = await readSource(source, name);
  if (isGzip(bytes)) bytes = await gunzip(bytes, name);
  return parseIdx(bytes, name);
}
