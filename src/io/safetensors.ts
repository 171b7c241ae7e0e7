/**
 * Reader and writer for the safetensors format (https://github.com/huggingface/safetensors).
 *
 * Layout: an 8-byte little-endian unsigned header length N; N bytes of UTF-8 JSON
 * `{ "<name>": { "dtype": "F32", "shape": [...], "data_offsets": [begin, end] }, ..., "__metadata__": {...} }`
 * (padded with spaces); then the little-endian byte buffer, offsets being relative to its start.
 *
 * Pure (no Node APIs); works in the browser.
 */

import { DTypeError, ShapeError, ValueError } from "../base/errors.js";

/**
 * Element types Strata stores; they map to the safetensors codes F32, F64, I32 and BOOL.
 * @example
 * const dtype: SafetensorsDtype = "int32";
 * const bytes = io.encodeSafetensors({ ids: { dtype, shape: [2], data: new Int32Array([7, 9]) } });
 * io.decodeSafetensors(bytes).tensors.ids.dtype; // "int32"
 */
export type SafetensorsDtype = "float32" | "float64" | "int32" | "bool";

/**
 * One tensor as raw data: `data.length` must equal the product of `shape`. `bool` uses bytes 0/1.
 * @example
 * const mask: SafetensorsTensor = { dtype: "bool", shape: [3], data: new Uint8Array([1, 0, 1]) };
 * io.decodeSafetensors(io.encodeSafetensors({ mask })).tensors.mask.data; // Uint8Array [1, 0, 1]
 */
export interface SafetensorsTensor {
  dtype: SafetensorsDtype;
  shape: number[];
  data: Float32Array | Float64Array | Int32Array | Uint8Array;
}

/**
 * The content of a safetensors file.
 * @example
 * const file: SafetensorsFile = io.decodeSafetensors(io.encodeSafetensors({}, { author: "me" }));
 * file.metadata; // { author: "me" }
 */
export interface SafetensorsFile {
  tensors: Record<string, SafetensorsTensor>;
  metadata: Record<string, string>;
}

const METADATA_KEY = "__metadata__";

const ENCODE: Record<SafetensorsDtype, { code: string; size: number; ctor: Function }> = {
  float32: { code: "F32", size: 4, ctor: Float32Array },
  float64: { code: "F64", size: 8, ctor: Float64Array },
  int32: { code: "I32", size: 4, ctor: Int32Array },
  bool: { code: "BOOL", size: 1, ctor: Uint8Array },
};

/** Stored safetensors dtype codes accepted by {@link decodeSafetensors}, with their item size in bytes. */
const DECODE_SIZES = new Map<string, number>([
  ["F32", 4],
  ["F64", 8],
  ["I32", 4],
  ["BOOL", 1],
  ["F16", 2],
  ["BF16", 2],
  ["I64", 8],
  ["I16", 2],
  ["I8", 1],
  ["U8", 1],
  ["U16", 2],
]);

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function setOwn<T>(obj: Record<string, T>, key: string, value: T): void {
  // defineProperty so that a key like "__proto__" becomes an ordinary own property.
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

function shapeSize(shape: number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

function describeShape(shape: number[]): string {
  return `[${shape.join(", ")}]`;
}

/**
 * Serializes tensors (and optional string metadata) to the bytes of a safetensors file.
 *
 * Tensors are written in sorted name order (JavaScript string order) with no gaps between them, and the
 * JSON header lists `__metadata__` first (omitted when there is no metadata), then the tensors in the same
 * order, with no whitespace except the trailing space padding to a multiple of 8 bytes. `bool` data is
 * written as bytes 0/1 (any non-zero byte becomes 1). The output is deterministic.
 *
 * @example
 * ```ts
 * const bytes = encodeSafetensors(
 *   { "dense.weight": { dtype: "float32", shape: [2, 2], data: new Float32Array([1, 2, 3, 4]) } },
 *   { format: "pt" },
 * );
 * decodeSafetensors(bytes).tensors["dense.weight"].shape; // [2, 2]
 * ```
 */
export function encodeSafetensors(
  tensors: Record<string, SafetensorsTensor>,
  metadata?: Record<string, string>,
): Uint8Array {
  const names = Object.keys(tensors).sort();
  const parts: string[] = [];
  if (metadata !== undefined) {
    const metaKeys = Object.keys(metadata).sort();
    for (const k of metaKeys) {
      if (typeof metadata[k] !== "string") {
        throw new ValueError(
          `encodeSafetensors: metadata value for ${JSON.stringify(k)} must be a string, got ${typeof metadata[k]}`,
        );
      }
    }
    if (metaKeys.length > 0) {
      const body = metaKeys.map((k) => `${JSON.stringify(k)}:${JSON.stringify(metadata[k])}`).join(",");
      parts.push(`${JSON.stringify(METADATA_KEY)}:{${body}}`);
    }
  }
  let offset = 0;
  const layout: { begin: number; t: SafetensorsTensor; size: number }[] = [];
  for (const name of names) {
    if (name === METADATA_KEY) {
      throw new ValueError(`encodeSafetensors: "${METADATA_KEY}" is reserved and cannot be a tensor name`);
    }
    const t = tensors[name];
    const enc = Object.hasOwn(ENCODE, t.dtype) ? ENCODE[t.dtype] : undefined;
    if (enc === undefined) {
      throw new DTypeError(
        `encodeSafetensors: tensor ${JSON.stringify(name)} has unsupported dtype ${JSON.stringify(t.dtype)}; ` +
          `expected one of ${Object.keys(ENCODE).join(", ")}`,
      );
    }
    if (!(t.data instanceof enc.ctor)) {
      throw new DTypeError(
        `encodeSafetensors: tensor ${JSON.stringify(name)} has dtype ${t.dtype}, so its data must be a ` +
          `${enc.ctor.name}, got ${t.data?.constructor?.name ?? typeof t.data}`,
      );
    }
    if (!Array.isArray(t.shape) || !t.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw new ShapeError(
        `encodeSafetensors: tensor ${JSON.stringify(name)} has an invalid shape ${JSON.stringify(t.shape)} ` +
          "(expected an array of non-negative integers)",
      );
    }
    const count = shapeSize(t.shape);
    if (count !== t.data.length) {
      throw new ShapeError(
        `encodeSafetensors: tensor ${JSON.stringify(name)} has shape ${describeShape(t.shape)} ` +
          `(${count} elements) but its data has ${t.data.length} elements`,
      );
    }
    const size = count * enc.size;
    parts.push(
      `${JSON.stringify(name)}:{"dtype":"${enc.code}","shape":${describeShapeJson(t.shape)},` +
        `"data_offsets":[${offset},${offset + size}]}`,
    );
    layout.push({ begin: offset, t, size });
    offset += size;
  }
  let headerText = `{${parts.join(",")}}`;
  let header = new TextEncoder().encode(headerText);
  const padding = (8 - (header.length % 8)) % 8;
  if (padding > 0) {
    headerText += " ".repeat(padding);
    header = new TextEncoder().encode(headerText);
  }
  const dataStart = 8 + header.length;
  const out = new Uint8Array(dataStart + offset);
  const view = new DataView(out.buffer);
  view.setUint32(0, header.length % 0x100000000, true);
  view.setUint32(4, Math.floor(header.length / 0x100000000), true);
  out.set(header, 8);
  for (const { begin, t, size } of layout) {
    const at = dataStart + begin;
    if (t.dtype === "bool") {
      const src = t.data as Uint8Array;
      for (let i = 0; i < src.length; i++) out[at + i] = src[i] ? 1 : 0;
    } else if (LITTLE_ENDIAN) {
      out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, size), at);
    } else {
      const src = t.data;
      for (let i = 0; i < src.length; i++) {
        if (t.dtype === "float32") view.setFloat32(at + 4 * i, src[i], true);
        else if (t.dtype === "float64") view.setFloat64(at + 8 * i, src[i], true);
        else view.setInt32(at + 4 * i, src[i], true);
      }
    }
  }
  return out;
}

function describeShapeJson(shape: number[]): string {
  return `[${shape.join(",")}]`;
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 0x1f) return frac === 0 ? sign * Infinity : NaN;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isIntArray(v: unknown): v is number[] {
  return Array.isArray(v) && v.every((d) => Number.isSafeInteger(d) && d >= 0);
}

/**
 * Parses and validates the bytes of a safetensors file.
 *
 * Every tensor's data is copied into a fresh, aligned typed array (never a view into `bytes`).
 * Stored dtypes are converted as follows:
 *
 * | stored            | result                          |
 * |-------------------|---------------------------------|
 * | F32, F16, BF16    | `float32` (`Float32Array`)      |
 * | F64               | `float64` (`Float64Array`)      |
 * | I32, I16, I8, U8, U16 | `int32` (`Int32Array`)      |
 * | I64               | `int32`; throws if a value is outside the int32 range |
 * | BOOL              | `bool` (`Uint8Array` of 0/1; any non-zero byte reads as 1) |
 *
 * Throws a `ValueError` saying what is wrong for: a file shorter than 8 bytes, a header length beyond the end of
 * the file, a header that is not UTF-8 JSON object, a bad `__metadata__` (must map strings to strings), an
 * entry without a valid `dtype` / `shape` / `data_offsets`, an unknown dtype, offsets out of range or whose
 * length doesn't match shape × item size, overlapping tensors, and gaps (including unused bytes at the end).
 *
 * @example
 * ```ts
 * // in a browser: const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
 * const bytes = io.encodeSafetensors({ "dense.weight": { dtype: "float32", shape: [1, 2], data: new Float32Array([1, 2]) } });
 * const { tensors, metadata } = io.decodeSafetensors(bytes);
 * const w = tensors["dense.weight"]; // { dtype: "float32", shape: [1, 2], data: Float32Array [1, 2] }
 * w.data; // Float32Array [1, 2]
 * ```
 */
export function decodeSafetensors(bytes: Uint8Array): SafetensorsFile {
  const err = (msg: string) => new ValueError(`decodeSafetensors: ${msg}`);
  if (bytes.length < 8) {
    throw err(`file is too short: need at least 8 bytes for the header length, got ${bytes.length}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lo = view.getUint32(0, true);
  const hi = view.getUint32(4, true);
  const headerLen = hi * 0x100000000 + lo;
  if (headerLen > bytes.length - 8) {
    throw err(
      `header length ${hi > 0x1fffff ? `${BigInt(hi) * 0x100000000n + BigInt(lo)}` : headerLen} is beyond the ` +
        `end of the file (${bytes.length} bytes, so at most ${bytes.length - 8} bytes of header)`,
    );
  }
  let headerText: string;
  try {
    headerText = new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(8, 8 + headerLen));
  } catch {
    throw err("header is not valid UTF-8");
  }
  let header: unknown;
  try {
    header = JSON.parse(headerText);
  } catch (e) {
    throw err(`header is not valid JSON: ${(e as Error).message}`);
  }
  if (!isPlainObject(header)) {
    throw err(
      `header must be a JSON object, got ${Array.isArray(header) ? "an array" : JSON.stringify(header)}`,
    );
  }

  const metadata: Record<string, string> = {};
  const rawMeta = header[METADATA_KEY];
  if (rawMeta !== undefined && rawMeta !== null) {
    if (!isPlainObject(rawMeta)) throw err(`"${METADATA_KEY}" must be an object of strings`);
    for (const [k, v] of Object.entries(rawMeta)) {
      if (typeof v !== "string") {
        throw err(
          `"${METADATA_KEY}" value for ${JSON.stringify(k)} must be a string, got ${JSON.stringify(v)}`,
        );
      }
      setOwn(metadata, k, v);
    }
  }

  const dataStart = 8 + headerLen;
  const bufLen = bytes.length - dataStart;
  interface Entry {
    name: string;
    dtype: string;
    shape: number[];
    begin: number;
    end: number;
  }
  const entries: Entry[] = [];
  for (const [name, info] of Object.entries(header)) {
    if (name === METADATA_KEY) continue;
    const what = `tensor ${JSON.stringify(name)}`;
    if (!isPlainObject(info)) throw err(`${what}: entry must be an object, got ${JSON.stringify(info)}`);
    const { dtype, shape, data_offsets: offsets } = info;
    if (typeof dtype !== "string") throw err(`${what}: missing or non-string "dtype"`);
    const itemSize = DECODE_SIZES.get(dtype);
    if (itemSize === undefined) {
      throw err(
        `${what}: unknown or unsupported dtype ${JSON.stringify(dtype)}; supported: ${[...DECODE_SIZES.keys()].join(", ")}`,
      );
    }
    if (!isIntArray(shape)) {
      throw err(`${what}: "shape" must be an array of non-negative integers, got ${JSON.stringify(shape)}`);
    }
    if (!isIntArray(offsets) || offsets.length !== 2) {
      throw err(
        `${what}: "data_offsets" must be [begin, end] with non-negative integers, got ${JSON.stringify(offsets)}`,
      );
    }
    const [begin, end] = offsets;
    if (begin > end) throw err(`${what}: data_offsets [${begin}, ${end}] have begin after end`);
    if (end > bufLen) {
      throw err(
        `${what}: data_offsets [${begin}, ${end}] are out of range: the byte buffer has ${bufLen} bytes`,
      );
    }
    const expected = shapeSize(shape) * itemSize;
    if (end - begin !== expected) {
      throw err(
        `${what}: data_offsets [${begin}, ${end}] span ${end - begin} bytes, but shape ${describeShape(shape)} ` +
          `of ${dtype} needs ${expected} bytes`,
      );
    }
    entries.push({ name, dtype, shape, begin, end });
  }

  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let pos = 0;
  let prev: Entry | undefined;
  for (const e of sorted) {
    if (e.begin < pos) {
      throw err(
        `tensors ${JSON.stringify(prev!.name)} [${prev!.begin}, ${prev!.end}] and ${JSON.stringify(e.name)} ` +
          `[${e.begin}, ${e.end}] overlap`,
      );
    }
    if (e.begin > pos) {
      throw err(
        `gap of ${e.begin - pos} unused bytes at offsets [${pos}, ${e.begin}) before tensor ${JSON.stringify(e.name)}`,
      );
    }
    pos = e.end;
    prev = e;
  }
  if (pos !== bufLen) {
    throw err(`${bufLen - pos} unused bytes at the end of the byte buffer (offsets [${pos}, ${bufLen}))`);
  }

  const tensors: Record<string, SafetensorsTensor> = {};
  for (const e of entries) {
    const at = dataStart + e.begin;
    const count = shapeSize(e.shape);
    const raw = bytes.slice(at, dataStart + e.end); // fresh, aligned copy
    const rv = new DataView(raw.buffer);
    let t: SafetensorsTensor;
    switch (e.dtype) {
      case "F32": {
        const data = LITTLE_ENDIAN ? new Float32Array(raw.buffer) : new Float32Array(count);
        if (!LITTLE_ENDIAN) for (let i = 0; i < count; i++) data[i] = rv.getFloat32(4 * i, true);
        t = { dtype: "float32", shape: e.shape, data };
        break;
      }
      case "F64": {
        const data = LITTLE_ENDIAN ? new Float64Array(raw.buffer) : new Float64Array(count);
        if (!LITTLE_ENDIAN) for (let i = 0; i < count; i++) data[i] = rv.getFloat64(8 * i, true);
        t = { dtype: "float64", shape: e.shape, data };
        break;
      }
      case "I32": {
        const data = LITTLE_ENDIAN ? new Int32Array(raw.buffer) : new Int32Array(count);
        if (!LITTLE_ENDIAN) for (let i = 0; i < count; i++) data[i] = rv.getInt32(4 * i, true);
        t = { dtype: "int32", shape: e.shape, data };
        break;
      }
      case "BOOL": {
        for (let i = 0; i < count; i++) if (raw[i] > 1) raw[i] = 1;
        t = { dtype: "bool", shape: e.shape, data: raw };
        break;
      }
      case "F16": {
        const data = new Float32Array(count);
        for (let i = 0; i < count; i++) data[i] = halfToFloat(rv.getUint16(2 * i, true));
        t = { dtype: "float32", shape: e.shape, data };
        break;
      }
      case "BF16": {
        const data = new Float32Array(count);
        const bits = new Uint32Array(data.buffer);
        for (let i = 0; i < count; i++) bits[i] = rv.getUint16(2 * i, true) << 16;
        t = { dtype: "float32", shape: e.shape, data };
        break;
      }
      case "I64": {
        const data = new Int32Array(count);
        for (let i = 0; i < count; i++) {
          const low = rv.getInt32(8 * i, true);
          const high = rv.getInt32(8 * i + 4, true);
          if (high !== low >> 31) {
            throw err(
              `tensor ${JSON.stringify(e.name)}: I64 value ${rv.getBigInt64(8 * i, true)} at index ${i} is ` +
                "outside the int32 range and cannot be converted",
            );
          }
          data[i] = low;
        }
        t = { dtype: "int32", shape: e.shape, data };
        break;
      }
      case "I16": {
        const data = new Int32Array(count);
        for (let i = 0; i < count; i++) data[i] = rv.getInt16(2 * i, true);
        t = { dtype: "int32", shape: e.shape, data };
        break;
      }
      case "U16": {
        const data = new Int32Array(count);
        for (let i = 0; i < count; i++) data[i] = rv.getUint16(2 * i, true);
        t = { dtype: "int32", shape: e.shape, data };
        break;
      }
      case "I8": {
        t = { dtype: "int32", shape: e.shape, data: Int32Array.from(new Int8Array(raw.buffer)) };
        break;
      }
      case "U8": {
        t = { dtype: "int32", shape: e.shape, data: Int32Array.from(raw) };
        break;
      }
      default:
        throw err(`tensor ${JSON.stringify(e.name)}: unsupported dtype ${e.dtype}`);
    }
    setOwn(tensors, e.name, t);
  }
  return { tensors, metadata };
}
