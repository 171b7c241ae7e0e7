import { spawn } from "node:child_process";
import { once } from "node:events";
import { copyFile, mkdir, mkdtemp, readFile, readdir, rm, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FileError, ShapeError, ValueError } from "../../src/base/errors.js";
import { getBackend } from "../../src/backends/registry.js";
import { manualSeed } from "../../src/core/random.js";
import type { Tensor } from "../../src/core/tensor.js";
import {
  configPath,
  deserialize,
  deserializeWithMetadata,
  loadConfig,
  loadModel,
  loadTensors,
  loadTensorsWithMetadata,
  saveModel,
  saveTensors,
  serialize,
} from "../../src/io/save.js";
import { Module } from "../../src/nn/module.js";
import { buffer, parameter } from "../../src/nn/parameter.js";
import { full, randn, tensor, zeros } from "../../src/ops/creation.js";
import { describeEachBackend } from "../helpers/backends.js";

/** A tiny model: a parameter, a nested child with its own parameter, and an int32 buffer. */
class Head extends Module {
  bias: Tensor;
  constructor(n: number) {
    super();
    this.bias = parameter(randn([n]));
  }
  forward(x: Tensor): Tensor {
    return x.add(this.bias);
  }
}

class Tiny extends Module {
  weight: Tensor;
  steps = buffer(tensor(new Int32Array([0, 0])));
  head: Head;
  constructor(inputs = 4, outputs = 3) {
    super();
    this.weight = parameter(randn([outputs, inputs]));
    this.head = new Head(outputs);
  }
  forward(x: Tensor): Tensor {
    return this.head.forward(x.matmul(this.weight.T));
  }
}

async function bytesOf(t: Tensor): Promise<number[]> {
  const d = await t.data();
  return Array.from(new Uint8Array(d.buffer, d.byteOffset, d.byteLength));
}

let dir = "";
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "strata-save-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describeEachBackend("saveTensors / loadTensors", () => {
  it("round-trips every dtype with metadata", async () => {
    const path = join(dir, "t.safetensors");
    const tensors = {
      f32: tensor([
        [1.5, -2],
        [Math.PI, 1e-30],
      ]),
      // webgpu has no float64 (the file format does; ref and wasm test it)
      ...(getBackend().supports("float64") ? { f64: tensor([Math.E], { dtype: "float64" }) } : {}),
      i32: tensor(new Int32Array([-7, 2147483647])),
      mask: tensor([true, false, true]),
      transposed: tensor([
        [1, 2, 3],
        [4, 5, 6],
      ]).T, // not contiguous
    };
    await saveTensors(path, tensors, { note: "hi" });
    const { tensors: back, metadata } = await loadTensorsWithMetadata(path);
    expect(metadata).toEqual({ note: "hi" });
    for (const [name, t] of Object.entries(tensors)) {
      expect(back[name].dtype, name).toBe(t.dtype);
      expect(back[name].shape, name).toEqual(t.shape);
      expect(await bytesOf(back[name]), name).toEqual(await bytesOf(t));
    }
    expect(Object.keys(await loadTensors(path)).sort()).toEqual(Object.keys(tensors).sort());
  });

  it("serializes to bytes and back without the file system", async () => {
    const bytes = await serialize({ w: tensor([1, 2, 3]) }, { format: "strata" });
    expect(bytes).toBeInstanceOf(Uint8Array);
    expect(await deserialize(bytes).w.array()).toEqual([1, 2, 3]);
    expect(deserializeWithMetadata(bytes).metadata).toEqual({ format: "strata" });
  });
});

describeEachBackend("saveModel / loadModel", () => {
  it("round-trips a model's parameters and buffers byte for byte", async () => {
    manualSeed(1);
    const model = new Tiny();
    model.steps.assign(tensor(new Int32Array([41, 42])));
    const path = join(dir, "ckpt", "tiny.safetensors");
    const written = await saveModel(model, path, { inputs: 4, outputs: 3 });
    expect(written).toEqual({ weights: path, config: join(dir, "ckpt", "tiny.json") });
    expect(await loadConfig(path)).toEqual({ inputs: 4, outputs: 3 });

    manualSeed(2);
    const other = new Tiny();
    expect(await bytesOf(other.weight)).not.toEqual(await bytesOf(model.weight));
    const result = await loadModel(other, path);
    expect(result).toEqual({ missing: [], unexpected: [] });
    const names = Object.keys(model.stateDict());
    expect(names).toEqual(["weight", "steps", "head.bias"]);
    for (const name of names) {
      expect(await bytesOf(other.stateDict()[name]), name).toEqual(await bytesOf(model.stateDict()[name]));
    }
    // loaded parameters stay parameters, and the model works
    expect(other.parameters().length).toBe(2);
    expect(other.weight.requiresGrad).toBe(true);
    expect(other.forward(zeros([2, 4])).shape).toEqual([2, 3]);
  });

  it("writes no config file without a config, and no temp files", async () => {
    const path = join(dir, "m.safetensors");
    expect(await saveModel(new Tiny(), path)).toEqual({ weights: path });
    await saveModel(new Tiny(), path); // overwrite
    expect(await readdir(dir)).toEqual(["m.safetensors"]);
    await saveModel(new Tiny(), path, { a: 1 });
    expect((await readdir(dir)).sort()).toEqual(["m.json", "m.safetensors"]);
  });

  it("names the parameter and both shapes when shapes differ", async () => {
    const path = join(dir, "m.safetensors");
    await saveModel(new Tiny(4, 3), path);
    const err = await loadModel(new Tiny(5, 3), path).catch((e: Error) => e);
    expect(err).toBeInstanceOf(ShapeError);
    expect((err as Error).message).toContain(path);
    expect((err as Error).message).toContain(
      "weight: shapes differ: (3, 4) float32 in the file, (3, 5) float32 in the model",
    );
    expect((err as Error).message).not.toContain("head.bias");
  });

  it("lists missing and unexpected names, and dtype differences", async () => {
    const path = join(dir, "m.safetensors");
    const sd = new Tiny().stateDict();
    await saveTensors(path, {
      weight: sd.weight,
      steps: tensor([0, 0]), // float32 instead of int32
      extra: tensor([1]),
    });
    const message = await loadModel(new Tiny(), path).then(
      () => "",
      (e: Error) => e.message,
    );
    expect(message).toMatch(/^loadModel: .*m\.safetensors does not match the model \(3 problems\)/);
    expect(message).toContain("missing from the file (in the model): head.bias");
    expect(message).toContain("unexpected in the file (not in the model): extra");
    expect(message).toContain("steps: dtypes differ: (2,) float32 in the file, (2,) int32 in the model");
  });

  it("skips missing and unexpected names with strict: false", async () => {
    const path = join(dir, "partial.safetensors");
    const source = new Tiny();
    await saveTensors(path, { weight: source.weight, unused: tensor([1]) });
    const target = new Tiny();
    const result = await loadModel(target, path, { strict: false });
    expect(result).toEqual({ missing: ["steps", "head.bias"], unexpected: ["unused"] });
    expect(await bytesOf(target.weight)).toEqual(await bytesOf(source.weight));
  });

  it("gives a clear error for a truncated file, naming the path", async () => {
    const path = join(dir, "cut.safetensors");
    await saveModel(new Tiny(), path);
    const size = (await readFile(path)).length;
    await truncate(path, size - 5);
    await expect(loadModel(new Tiny(), path)).rejects.toThrow(
      new RegExp(
        `loadModel: ${path.replace(/[.\\]/g, "\\$&")} is truncated \\(expected ${size} bytes from its header, got ${size - 5}\\)`,
      ),
    );
    await truncate(path, 20);
    await expect(loadModel(new Tiny(), path)).rejects.toThrow(
      /is truncated \(the header declares \d+ bytes of JSON but only 12 bytes follow\)/,
    );
    await truncate(path, 3);
    await expect(loadTensors(path)).rejects.toThrow(
      /loadTensors: .* is truncated \(the file has only 3 bytes/,
    );
  });

  it("reports a missing file and garbage clearly", async () => {
    await expect(loadModel(new Tiny(), join(dir, "none.safetensors"))).rejects.toThrow(
      /loadModel: cannot read .*none\.safetensors/,
    );
    const path = join(dir, "junk.safetensors");
    await writeFile(path, "this is not a safetensors file at all");
    await expect(loadModel(new Tiny(), path)).rejects.toThrow(
      /junk\.safetensors is not a valid safetensors file: decodeSafetensors: header length/,
    );
  });
});

describe("saveModel: weights and config from one save", () => {
  it("stores the config inside the weights file as string metadata, and a JSON copy beside it", async () => {
    const path = join(dir, "m.safetensors");
    const config = { inputs: 4, outputs: 3, name: "tiny", layers: [1, 2] };
    await saveModel(new Tiny(), path, config);
    const { metadata } = await loadTensorsWithMetadata(path);
    // a string -> string map, as PyTorch and Hugging Face tools expect
    expect(metadata).toEqual({
      format: "strata",
      "strata.layout": "config-inside",
      "strata.config": JSON.stringify(config),
    });
    expect(JSON.parse(await readFile(join(dir, "m.json"), "utf8"))).toEqual(config);
    // the copy inside is what loadConfig reads
    await rm(join(dir, "m.json"));
    expect(await loadConfig(path)).toEqual(config);
  });

  it("a torn pair (weights of one save, JSON of another) loads the config saved with the weights", async () => {
    const [a, b] = [join(dir, "a"), join(dir, "b")];
    await saveModel(new Tiny(4, 3), join(a, "m.safetensors"), { inputs: 4 });
    await saveModel(new Tiny(5, 3), join(b, "m.safetensors"), { inputs: 5 });
    const torn = join(dir, "torn");
    await mkdir(torn);
    await copyFile(join(a, "m.safetensors"), join(torn, "m.safetensors"));
    await copyFile(join(b, "m.json"), join(torn, "m.json"));
    const path = join(torn, "m.safetensors");
    const config = await loadConfig<{ inputs: number }>(path);
    expect(config).toEqual({ inputs: 4 });
    await loadModel(new Tiny(config.inputs, 3), path); // the weights fit the config
  });

  it("refuses a JSON file that is not from the weights' save, naming both files", async () => {
    const path = join(dir, "m.safetensors");
    await saveModel(new Tiny(), path, { inputs: 4 });
    await saveModel(new Tiny(), path); // no config: m.json is left from the first save
    const err = await loadConfig(path).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValueError);
    expect((err as Error).message).toContain(
      `loadConfig: ${path} was saved without a config, so ${configPath(path)}`,
    );
    expect((err as Error).message).toContain("is not from the same save as these weights");
    await rm(configPath(path));
    await expect(loadConfig(path)).rejects.toThrow(`loadConfig: ${path} was saved without a config`);
  });

  it("still reads the JSON beside weights saved before configs went inside, or by other tools", async () => {
    const path = join(dir, "old.safetensors");
    const model = new Tiny();
    await saveTensors(path, model.stateDict(), { format: "strata" }); // what saveModel used to write
    await writeFile(join(dir, "old.json"), JSON.stringify({ inputs: 4, outputs: 3 }, null, 2));
    expect(await loadConfig(path)).toEqual({ inputs: 4, outputs: 3 });
    await loadModel(new Tiny(), path);
    await saveTensors(path, model.stateDict()); // no metadata at all
    expect(await loadConfig(path)).toEqual({ inputs: 4, outputs: 3 });
    // and the config alone, without weights
    await rm(path);
    expect(await loadConfig(path)).toEqual({ inputs: 4, outputs: 3 });
  });

  it("names the file when the weights or the JSON are not readable", async () => {
    const path = join(dir, "junk.safetensors");
    await writeFile(path, "not a safetensors file");
    await expect(loadConfig(path)).rejects.toThrow(
      new RegExp(`^loadConfig: ${path.replace(/[.\\]/g, "\\$&")} is not a valid safetensors file`),
    );
    const missing = join(dir, "none.safetensors");
    const err = await loadConfig(missing).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FileError);
    expect((err as Error).message).toBe(
      `loadConfig: cannot read ${join(dir, "none.json")}: no such file (ENOENT)`,
    );
  });

  it("refuses a config that is not JSON before writing anything", async () => {
    const config: Record<string, unknown> = { a: 1 };
    config.self = config;
    const path = join(dir, "m.safetensors");
    await expect(saveModel(new Tiny(), path, config)).rejects.toThrow(
      /^saveModel: the config cannot be written as JSON/,
    );
    expect(await readdir(dir)).toEqual([]);
  });

  it("names the user's path and the cause when the parent is a file", async () => {
    const file = join(dir, "runs");
    await writeFile(file, "a file, not a folder");
    const path = join(file, "m.safetensors");
    const err = await saveModel(new Tiny(), path, { a: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FileError);
    expect((err as Error).message).toBe(
      `saveModel: cannot write ${path}: ${file} is a file, not a directory`,
    );
    expect((err as FileError).path).toBe(path);
  });
});

/** The model of save_kill_child.ts: every value of save i is i. */
class KillNet extends Module {
  weight = parameter(full([16, 16], -1));
  bias = parameter(full([16], -1));
  forward(x: Tensor): Tensor {
    return x.matmul(this.weight).add(this.bias);
  }
}

// file-system logic (atomic rename, 20 child processes on the default backend): once, in `npm test`
describe.skipIf(process.env.STRATA_BACKENDS === "webgpu")("saveModel killed mid-save", () => {
  it("leaves weights and config of one complete save, whenever the process is killed", async () => {
    // bundled once, so that each child starts in a fraction of a second
    const child = join(dir, "child.mjs");
    await build({
      entryPoints: [new URL("./save_kill_child.ts", import.meta.url).pathname],
      bundle: true,
      platform: "node",
      format: "esm",
      outfile: child,
      logLevel: "silent",
    });
    const path = join(dir, "out", "k.safetensors");
    let next = 1;
    for (let kill = 0; kill < 20; kill++) {
      const proc = spawn(process.execPath, [child, path, String(next)], {
        stdio: ["ignore", "pipe", "inherit"],
      });
      const exited = once(proc, "exit");
      // "ready": its first save is complete
      await Promise.race([
        once(proc.stdout, "data"),
        exited.then(([code]) => {
          throw new Error(`the saving child exited with code ${code} before its first save`);
        }),
      ]);
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 25));
      proc.kill("SIGKILL");
      await exited;

      const config = await loadConfig<{ step: number }>(path);
      expect(config.step).toBeGreaterThanOrEqual(next);
      const net = new KillNet();
      await loadModel(net, path);
      const values = [...(await net.weight.data()), ...(await net.bias.data())];
      expect(new Set(values)).toEqual(new Set([config.step]));
      // the JSON copy is written after the weights: this save's, or the one before if killed in between
      const copy = JSON.parse(await readFile(configPath(path), "utf8")) as { step: number };
      expect([config.step, config.step - 1]).toContain(copy.step);
      next = config.step + 1;
    }
    // the next save removes the temp files the killed saves left
    await saveModel(new KillNet(), path, { step: 0 });
    expect((await readdir(join(dir, "out"))).sort()).toEqual(["k.json", "k.safetensors"]);
  }, 60_000);
});
