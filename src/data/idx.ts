/**
 * Parser for the IDX binary format used by MNIST and related data sets.
 *
 * Layout: two zero bytes, a type byte, a byte with the number of dimensions, then each
 * dimension as a big-endian uint32, then the data in big-endian order.
 *
 * This module is pure (no Node APIs) and works in the browser.
 */

import { ValueError } from "../base/errors.js";

/**
 * Element types an IDX file can hold.
 * @example
 * const type: IdxType = data.parseIdx(new Uint8Array([0, 0, 0x0d, 1, 0, 0, 0, 0])).type; // "float32"
 */
export type IdxType = "uint8" | "int8" | "int16" | "int32" | "float32" | "float64";

/**
 * A decoded IDX file: dimensions, element type and a native-endian typed array of the data.
 * @example
 * const images: IdxArray = data.parseIdx(new Uint8Array([0, 0, 8, 3, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 2, 0, 64, 128, 255]));
 * images.dims; // [1, 2, 2]: one 2×2 image
 * images.data; // Uint8Array [0, 64, 128, 255]
 */
export interface IdxArray {
  dims: number[];
  type: IdxType;
  data: Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;
}

const TYPE_CODES: Record<number, { type: IdxType; size: number }> = {
  8: { type: "uint8", size: 1 },
  9: { type: "int8", size: 1 },
  11: { type: "int16", size: 2 },
  12: { type: "int32", size: 4 },
  13: { type: "float32", size: 4 },
  14: { type: "float64", size: 8 },
};

function hex(n: number): string {
  return `0x${n.toString(16).padStart(2, "0")}`;
}

/**
 * Parses the bytes of an IDX file (uncompressed) into its dimensions and a typed array of its data.
 *
 * Multi-byte element types are converted from big-endian to the platform's order, and the data is
 * always copied into a freshly allocated (hence aligned) typed array. Throws a `ValueError` naming the
 * file (`name`) and what is wrong when the header is short, the magic is bad, the type code is
 * unknown, the data is truncated or there are trailing bytes.
 *
 * @param bytes the whole file.
 * @param name used in error messages (e.g. the file name); defaults to `"IDX data"`.
 *
 * @example
 * ```ts
 * // magic 0 0, type 0x08 (uint8), 1 dimension of size 3, then the data: MNIST's first labels
 * const bytes = new Uint8Array([0, 0, 0x08, 1, 0, 0, 0, 3, 5, 0, 4]);
 * const labels = data.parseIdx(bytes, "labels.idx");
 * labels.dims; // [3]
 * labels.data; // Uint8Array [5, 0, 4]
 * data.parseIdx(bytes.subarray(0, 10), "labels.idx"); // throws ValueError: labels.idx: ... truncated
 * ```
 */
export function parseIdx(bytes: Uint8Array, name = "IDX data"): IdxArray {
  const where = `${name}: `;
  if (bytes.length < 4) {
    throw new ValueError(`${where}too short for an IDX header: need at least 4 bytes, got ${bytes.length}`);
  }
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new ValueError(
      `${where}bad IDX magic: expected the first two bytes to be 0x00 0x00, got ${hex(bytes[0])} ${hex(bytes[1])}` +
        " (is the file gzip-compressed? gzip files start with 0x1f 0x8b)",
    );
  }
  const code = bytes[2];
  const info = TYPE_CODES[code];
  if (info === undefined) {
    throw new ValueError(
      `${where}unknown IDX type code ${hex(code)}; expected one of 0x08 (uint8), 0x09 (int8), 0x0b (int16), ` +
        "0x0c (int32), 0x0d (float32), 0x0e (float64)",
    );
  }
  const ndims = bytes[3];
  const headerLen = 4 + 4 * ndims;
  if (bytes.length < headerLen) {
    throw new ValueError(
      `${where}too short for the IDX header: ${ndims} dimension(s) need ${headerLen} header bytes, got ${bytes.length}`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  let count = 1;
  for (let i = 0; i < ndims; i++) {
    const d = view.getUint32(4 + 4 * i, false);
    dims.push(d);
    count *= d;
  }
  const shapeText = `${dims.length === 0 ? "scalar" : dims.join("x")} ${info.type}`;
  const expected = count * info.size;
  if (!Number.isSafeInteger(expected)) {
    throw new ValueError(`${where}dimensions ${shapeText} are too large`);
  }
  const got = bytes.length - headerLen;
  if (got < expected) {
    throw new ValueError(`${where}truncated data: expected ${expected} bytes for ${shapeText}, got ${got}`);
  }
  if (got > expected) {
    throw new ValueError(
      `${where}${got - expected} trailing extra byte(s): expected ${expected} bytes for ${shapeText}, got ${got}`,
    );
  }

  const off = headerLen;
  let data: IdxArray["data"];
  switch (info.type) {
    case "uint8":
      data = bytes.slice(off, off + expected);
      break;
    case "int8":
      data = new Int8Array(bytes.slice(off, off + expected).buffer);
      break;
    case "int16": {
      const out = new Int16Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt16(off + 2 * i, false);
      data = out;
      break;
    }
    case "int32": {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt32(off + 4 * i, false);
      data = out;
      break;
    }
    case "float32": {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(off + 4 * i, false);
      data = out;
      break;
    }
    case "float64": {
      const out = new Float64Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(off + 8 * i, false);
      data = out;
      break;
    }
  }
  return { dims, type: info.type, data };
}

/**
 * Checks that every value of an IDX label array is a class index in `0..numClasses - 1`, so that a
 * corrupt or foreign label file fails at load instead of deep inside a loss. Throws a `ValueError` naming
 * the file (`name`), the first bad index and its value, and how many labels are out of range.
 *
 * @example
 * ```ts
 * const labels = data.parseIdx(new Uint8Array([0, 0, 8, 1, 0, 0, 0, 2, 7, 12]), "labels.idx");
 * data.checkIdxLabels(labels, 10, "labels.idx"); // throws ValueError: MNIST digits are 0..9, and 12 is not
 * ```
 */
export function checkIdxLabels(labels: IdxArray, numClasses: number, name = "IDX data"): void {
  const data = labels.data;
  let first = -1;
  let bad = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (!(Number.isInteger(v) && v >= 0 && v < numClasses)) {
      if (first < 0) first = i;
      bad++;
    }
  }
  if (first >= 0) {
    throw new ValueError(
      `${name}: label ${data[first]} at index ${first} is out of range: labels must be 0..${numClasses - 1} ` +
        `(${bad} of ${data.length} labels are out of range)`,
    );
  }
}
