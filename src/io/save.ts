/**
 * Saving and loading tensors and models as safetensors (https://github.com/huggingface/safetensors).
 * A model's configuration is stored inside the weights file (so one atomic rename covers both) and
 * copied as JSON beside it for people and other tools. Files are written atomically. `serialize` /
 * `deserialize` work on bytes and run in browsers; the file functions load Node's `fs` on demand.
 */

import type { DType } from "../base/dtype.js";
import { ShapeError, StrataError, ValueError, fmtShape } from "../base/errors.js";
import { keep } from "../core/memory.js";
import type { Tensor } from "../core/tensor.js";
import type { Module } from "../nn/module.js";
import { fromHost } from "../ops/creation.js";
import { writeAtomic } from "./atomic_write.js";
import { fileError } from "./file_error.js";
import { type SafetensorsTensor, decodeSafetensors, encodeSafetensors } from "./safetensors.js";

/**
 * Tensors by name, as `Module.stateDict()` returns them.
 * @example
 * const weights: TensorMap = { "fc.weight": randn([10, 784]), "fc.bias": zeros([10]) };
 * Object.keys(new nn.Linear(2, 3).stateDict()); // ["weight", "bias"]: a state dict is one too
 */
export type TensorMap = Record<string, Tensor>;

function setOwn<T>(obj: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * The bytes of a safetensors file holding `tensors` (names sorted, data little-endian) and optional
 * string `metadata`. Async because a GPU backend reads tensor data asynchronously.
 * @example
 * const bytes = await io.serialize(model.stateDict(), { note: "epoch 3" });
 * // browser: new Blob([bytes]) → download; later: model.loadStateDict(deserialize(bytes))
 * io.deserializeWithMetadata(bytes).metadata; // { note: "epoch 3" }
 */
export async function serialize(tensors: TensorMap, metadata?: Record<string, string>): Promise<Uint8Array> {
  const raw: Record<string, SafetensorsTensor> = {};
  for (const [name, t] of Object.entries(tensors)) {
    setOwn(raw, name, { dtype: t.dtype, shape: [...t.shape], data: await t.data() });
  }
  return encodeSafetensors(raw, metadata);
}

/**
 * Tensors and metadata from the bytes of a safetensors file. Stored F16/BF16 become float32 and
 * smaller or 64-bit integers int32 (see `decodeSafetensors`). The tensors outlive `tidy` scopes.
 * @example
 * const bytes = await io.serialize({ w: tensor([1, 2]) }, { source: "run 7" });
 * const { tensors, metadata } = io.deserializeWithMetadata(bytes);
 * tensors.w.toArray(); // [1, 2]
 * metadata.source; // "run 7"
 */
export function deserializeWithMetadata(bytes: Uint8Array): {
  tensors: TensorMap;
  metadata: Record<string, string>;
} {
  const file = decodeSafetensors(bytes);
  const tensors: TensorMap = {};
  for (const [name, t] of Object.entries(file.tensors)) {
    setOwn(tensors, name, keep(fromHost(t.data, t.shape, t.dtype as DType)));
  }
  return { tensors, metadata: file.metadata };
}

/**
 * Tensors from the bytes of a safetensors file (see {@link deserializeWithMetadata}).
 * @example
 * // in a browser: const bytes = new Uint8Array(await (await fetch("model.safetensors")).arrayBuffer());
 * const bytes = await io.serialize(model.stateDict());
 * const copy = new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), new nn.Linear(8, 3));
 * copy.loadStateDict(io.deserialize(bytes));
 * copy.forward(x).sub(model.forward(x)).abs().max().item(); // 0
 */
export function deserialize(bytes: Uint8Array): TensorMap {
  return deserializeWithMetadata(bytes).tensors;
}

/**
 * Writes tensors to a safetensors file, atomically (readers never see a half-written file).
 * @example
 * const embedding = randn([1000, 64]);
 * await io.saveTensors("embeddings.safetensors", { words: embedding }, { vocab: "v2" });
 * (await io.loadTensorsWithMetadata("embeddings.safetensors")).metadata; // { vocab: "v2" }
 */
export async function saveTensors(
  path: string,
  tensors: TensorMap,
  metadata?: Record<string, string>,
): Promise<void> {
  await writeAtomic(path, await serialize(tensors, metadata), { op: "saveTensors" });
}

async function readBytes(op: string, path: string): Promise<Uint8Array> {
  const fs = await import("node:fs/promises");
  try {
    const b = await fs.readFile(path);
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  } catch (err) {
    throw fileError(op, "read", path, err);
  }
}

/** Says "truncated" in plain words when the file is shorter than its own header declares. */
function truncation(bytes: Uint8Array): string | null {
  if (bytes.length < 8) return `the file has only ${bytes.length} bytes, less than the 8-byte header length`;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // a real header is far below 4 GiB, so a non-zero high word means garbage, not a cut-off file
  if (view.getUint32(4, true) !== 0) return null;
  const headerLen = view.getUint32(0, true);
  if (headerLen > bytes.length - 8) {
    return `the header declares ${headerLen} bytes of JSON but only ${bytes.length - 8} bytes follow`;
  }
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLen)));
  } catch {
    return null;
  }
  if (typeof header !== "object" || header === null) return null;
  let end = 0;
  for (const [name, info] of Object.entries(header)) {
    const offsets = name === "__metadata__" ? undefined : (info as { data_offsets?: unknown })?.data_offsets;
    if (Array.isArray(offsets) && typeof offsets[1] === "number") end = Math.max(end, offsets[1]);
  }
  const expected = 8 + headerLen + end;
  return expected > bytes.length ? `expected ${expected} bytes from its header, got ${bytes.length}` : null;
}

function decodeFile(op: string, path: string, bytes: Uint8Array): ReturnType<typeof deserializeWithMetadata> {
  try {
    return deserializeWithMetadata(bytes);
  } catch (err) {
    const cut = truncation(bytes);
    const why = (err as Error).message;
    throw new ValueError(
      cut
        ? `${op}: ${path} is truncated (${cut}); was it written completely? (${why})`
        : `${op}: ${path} is not a valid safetensors file: ${why}`,
    );
  }
}

/**
 * Reads the tensors of a safetensors file (any written by Strata, PyTorch or the `safetensors` library).
 * @example
 * await io.saveTensors("model.safetensors", { "fc.weight": ones([2, 3]), "fc.bias": zeros([2]) });
 * const { "fc.weight": w } = await io.loadTensors("model.safetensors");
 * w.shape; // [2, 3]
 */
export async function loadTensors(path: string): Promise<TensorMap> {
  return decodeFile("loadTensors", path, await readBytes("loadTensors", path)).tensors;
}

/**
 * Reads the tensors and the string metadata of a safetensors file.
 * @example
 * await io.saveModel(model, "model.safetensors", { hidden: 8 });
 * const { tensors, metadata } = await io.loadTensorsWithMetadata("model.safetensors");
 * Object.keys(tensors); // ["0.bias", "0.weight", "2.bias", "2.weight"]
 * metadata.format; // "strata"
 */
export async function loadTensorsWithMetadata(
  path: string,
): Promise<{ tensors: TensorMap; metadata: Record<string, string> }> {
  return decodeFile("loadTensorsWithMetadata", path, await readBytes("loadTensorsWithMetadata", path));
}

/**
 * Where `saveModel` writes the JSON copy of the configuration: `.safetensors` replaced by `.json` (other
 * names get `.json` appended).
 * @example
 * io.configPath("runs/mlp.safetensors"); // "runs/mlp.json"
 * io.configPath("runs/mlp.bin"); // "runs/mlp.bin.json"
 */
export function configPath(path: string): string {
  return `${path.endsWith(".safetensors") ? path.slice(0, -".safetensors".length) : path}.json`;
}

/** Metadata key of the configuration (as JSON text) inside a weights file written by `saveModel`. */
const CONFIG_KEY = "strata.config";
/**
 * Metadata key marking a weights file whose configuration, if it has one, is inside it (saves before
 * this key kept it only in the JSON file beside the weights).
 */
const LAYOUT_KEY = "strata.layout";
const LAYOUT = "config-inside";

function configText(config: object): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(config);
  } catch (err) {
    throw new ValueError(`saveModel: the config cannot be written as JSON: ${(err as Error).message}`);
  }
  if (typeof text !== "string") {
    throw new ValueError(`saveModel: the config must be a JSON object, got ${typeof config}`);
  }
  return text;
}

/**
 * Saves a model's parameters and buffers (`stateDict()`) to `path` as safetensors. A `config` (what is
 * needed to rebuild the model) is stored in the same file, in the safetensors metadata under
 * `"strata.config"` as JSON text, so the weights and their config are replaced together by one atomic
 * rename: a save killed at any moment leaves the previous save or the new one, never a mix. The config
 * is then also written as JSON to `<path without .safetensors>.json` for people and other tools;
 * `loadConfig` reads the copy inside the weights. Returns the paths written.
 * @example
 * class MLP extends nn.Module {
 *   fc1: nn.Linear;
 *   fc2: nn.Linear;
 *   constructor(config: { hidden: number }) {
 *     super();
 *     this.fc1 = new nn.Linear(4, config.hidden);
 *     this.fc2 = new nn.Linear(config.hidden, 2);
 *   }
 *   forward(x: Tensor) { return this.fc2.forward(this.fc1.forward(x).relu()); }
 * }
 * const model = new MLP({ hidden: 16 });
 * await io.saveModel(model, "checkpoints/mlp.safetensors", { hidden: 16 }); // { weights: ..., config: ...json }
 * // later, in another program:
 * const m = new MLP(await io.loadConfig("checkpoints/mlp.safetensors"));
 * await io.loadModel(m, "checkpoints/mlp.safetensors");
 * m.fc1.weight.sub(model.fc1.weight).abs().max().item(); // 0
 */
export async function saveModel(
  model: Module,
  path: string,
  config?: object,
): Promise<{ weights: string; config?: string }> {
  const metadata: Record<string, string> = { format: "strata", [LAYOUT_KEY]: LAYOUT };
  if (config !== undefined) metadata[CONFIG_KEY] = configText(config);
  await writeAtomic(path, await serialize(model.stateDict(), metadata), { op: "saveModel" });
  if (config === undefined) return { weights: path };
  const json = configPath(path);
  await writeAtomic(json, `${JSON.stringify(config, null, 2)}\n`, { op: "saveModel" });
  return { weights: path, config: json };
}

/** The `__metadata__` of a safetensors file, reading only its header; undefined when there is no file. */
async function readMetadata(op: string, path: string): Promise<Record<string, string> | undefined> {
  const fs = await import("node:fs/promises");
  let handle: Awaited<ReturnType<typeof fs.open>>;
  try {
    handle = await fs.open(path, "r");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw fileError(op, "read", path, err);
  }
  try {
    const invalid = (why: string) => new ValueError(`${op}: ${path} is not a valid safetensors file: ${why}`);
    const { size } = await handle.stat();
    const head = new Uint8Array(8);
    if (size < 8 || (await handle.read(head, 0, 8, 0)).bytesRead < 8) {
      throw invalid(`the file has only ${size} bytes, less than the 8-byte header length`);
    }
    const view = new DataView(head.buffer);
    const headerLen = view.getUint32(0, true);
    if (view.getUint32(4, true) !== 0 || headerLen > size - 8) {
      throw invalid(`the header length is beyond the end of the file (${size} bytes)`);
    }
    const text = new Uint8Array(headerLen);
    if ((await handle.read(text, 0, headerLen, 8)).bytesRead < headerLen) {
      throw invalid(`the header is cut off (expected ${headerLen} bytes)`);
    }
    let header: unknown;
    try {
      header = JSON.parse(new TextDecoder().decode(text));
    } catch (err) {
      throw invalid(`the header is not valid JSON: ${(err as Error).message}`);
    }
    const meta = (header as { __metadata__?: unknown } | null)?.__metadata__;
    const out: Record<string, string> = {};
    if (typeof meta === "object" && meta !== null) {
      for (const [k, v] of Object.entries(meta)) if (typeof v === "string") setOwn(out, k, v);
    }
    return out;
  } catch (err) {
    throw fileError(op, "read", path, err);
  } finally {
    await handle.close().catch(() => {});
  }
}

function parseConfig<C>(op: string, text: string, where: string): C {
  try {
    return JSON.parse(text) as C;
  } catch (err) {
    throw new ValueError(`${op}: ${where} is not valid JSON: ${(err as Error).message}`);
  }
}

async function exists(path: string): Promise<boolean> {
  const fs = await import("node:fs/promises");
  return fs.stat(path).then(
    () => true,
    () => false,
  );
}

/**
 * Reads the configuration saved with the weights at `path`. For a file written by `saveModel` it is the
 * config stored inside the weights file, so it always belongs to the same save as the weights, whatever
 * the JSON copy beside it says. For files written by earlier versions or by other tools (no config
 * inside) it reads the JSON file beside them, `<path without .safetensors>.json`. A weights file that
 * `saveModel` wrote without a config has none: then a JSON file beside it is from another save, and
 * `loadConfig` refuses it with a `ValueError` naming both files.
 * @example
 * await io.saveModel(new nn.Linear(4, 128), "checkpoints/mlp.safetensors", { hidden: 128 });
 * const config = await io.loadConfig<{ hidden: number }>("checkpoints/mlp.safetensors");
 * config; // { hidden: 128 }
 */
export async function loadConfig<C = Record<string, unknown>>(path: string): Promise<C> {
  const json = configPath(path);
  const metadata = await readMetadata("loadConfig", path);
  if (metadata !== undefined && Object.hasOwn(metadata, CONFIG_KEY)) {
    return parseConfig<C>("loadConfig", metadata[CONFIG_KEY], `the config stored in ${path}`);
  }
  if (metadata !== undefined && metadata[LAYOUT_KEY] === LAYOUT) {
    throw new ValueError(
      (await exists(json))
        ? `loadConfig: ${path} was saved without a config, so ${json} is not from the same save as these ` +
            "weights (it is left from an earlier save or was written separately) and may not describe them; " +
            "save the model with its config, saveModel(model, path, config), to keep the two together"
        : `loadConfig: ${path} was saved without a config (saveModel(model, path) with no config argument)`,
    );
  }
  // earlier saves and other tools keep the config only beside the weights
  const bytes = await readBytes("loadConfig", json);
  return parseConfig<C>("loadConfig", new TextDecoder().decode(bytes), json);
}

/** Every difference between a file's tensors and a model's, one line each (empty when they fit). */
function mismatches(file: TensorMap, own: TensorMap, strict: boolean): string[] {
  const problems: string[] = [];
  const missing = Object.keys(own).filter((k) => !Object.hasOwn(file, k));
  const unexpected = Object.keys(file).filter((k) => !Object.hasOwn(own, k));
  const describe = (t: Tensor) => `${fmtShape(t.shape)} ${t.dtype}`;
  if (strict && missing.length) {
    problems.push(`missing from the file (in the model): ${missing.join(", ")}`);
  }
  if (strict && unexpected.length) {
    problems.push(`unexpected in the file (not in the model): ${unexpected.join(", ")}`);
  }
  for (const [name, t] of Object.entries(own)) {
    if (!Object.hasOwn(file, name)) continue;
    const v = file[name];
    const sameShape = v.rank === t.rank && v.shape.every((d, i) => d === t.shape[i]);
    if (!sameShape || v.dtype !== t.dtype) {
      const what = !sameShape && v.dtype !== t.dtype ? "shapes and dtypes" : sameShape ? "dtypes" : "shapes";
      problems.push(`${name}: ${what} differ: ${describe(v)} in the file, ${describe(t)} in the model`);
    }
  }
  return problems;
}

/**
 * Loads parameters and buffers saved by `saveModel` (or any safetensors file with matching names)
 * into `model`. With `strict` (the default) the names must match exactly; with `strict: false`
 * missing and unexpected names are skipped and returned. Shapes and dtypes must always match. An error
 * starts with the file path and lists every mismatch: each missing and unexpected name, and each
 * parameter whose shape or dtype differs, with both.
 * @example
 * await io.saveModel(model, "checkpoints/mlp.safetensors");
 * await io.loadModel(model, "checkpoints/mlp.safetensors");
 * const backbone = new nn.Sequential(new nn.Linear(4, 8)); // the first layer of `model`
 * const { unexpected } = await io.loadModel(backbone, "checkpoints/mlp.safetensors", { strict: false });
 * unexpected; // ["2.bias", "2.weight"]
 * await io.loadModel(backbone, "checkpoints/mlp.safetensors"); // throws ShapeError: ... does not match the model
 */
export async function loadModel(
  model: Module,
  path: string,
  options: { strict?: boolean } = {},
): Promise<{ missing: string[]; unexpected: string[] }> {
  const strict = options.strict ?? true;
  const { tensors } = decodeFile("loadModel", path, await readBytes("loadModel", path));
  try {
    const problems = mismatches(tensors, model.stateDict(), strict);
    if (problems.length) {
      throw new ShapeError(
        `loadModel: ${path} does not match the model (${problems.length} problem${problems.length > 1 ? "s" : ""}):\n  ` +
          problems.join("\n  "),
      );
    }
    try {
      return model.loadStateDict(tensors, { strict });
    } catch (err) {
      if (err instanceof StrataError) throw new ShapeError(`loadModel: ${path}: ${err.message}`);
      throw err;
    }
  } finally {
    for (const t of Object.values(tensors)) t.dispose();
  }
}
