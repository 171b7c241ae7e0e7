import { describe, expect, it } from "vitest";
import { ArgumentError, BackendError, ShapeError, ValueError } from "../../src/base/errors.js";
import { getBackend } from "../../src/backends/registry.js";
import { Generator } from "../../src/core/random.js";
import { GPT } from "../../src/models/gpt.js";
import { generate, generateAsync } from "../../src/models/generate.js";
import { crossEntropy } from "../../src/ops/losses.js";
import { fromHost } from "../../src/ops/creation.js";
import { Adam } from "../../src/optim/adam.js";
import { describeEachBackend, syncReads } from "../helpers/backends.js";
import { expectClose } from "../helpers/close.js";

const small = () =>
  new GPT({ vocabSize: 12, blockSize: 10, nLayer: 2, nHead: 2, nEmbd: 16, generator: new Generator(5) });

describeEachBackend("GPT", () => {
  it("computes with the key/value cache what a full forward pass computes", async () => {
    const gpt = small().eval();
    const ids = fromHost([1, 5, 2, 7, 3, 3, 9, 0, 4, 6, 11, 2], [2, 6], "int32");
    const full = gpt.forward(ids);
    let r = gpt.step(ids.slice(1, 0, 4), null);
    await expectClose(r.logits, full.slice(1, 0, 4), { rtol: 1e-4, atol: 1e-5 });
    for (const t of [4, 5]) {
      r = gpt.step(ids.slice(1, t, t + 1), r.cache);
      await expectClose(r.logits, full.slice(1, t, t + 1), { rtol: 1e-4, atol: 1e-5 });
    }
    expect(r.cache.length).toBe(6);
  });

  it("is causal: a later token does not change earlier logits", async () => {
    const gpt = small().eval();
    const a = gpt.forward(fromHost([1, 2, 3, 4], [1, 4], "int32"));
    const b = gpt.forward(fromHost([1, 2, 3, 9], [1, 4], "int32"));
    await expectClose(a.slice(1, 0, 3), b.slice(1, 0, 3), { rtol: 1e-5, atol: 1e-6 });
  });

  it("generates exactly the tokens of uncached generation for the same seed, past blockSize too", async () => {
    const gpt = small();
    for (const options of [{ temperature: 1 }, { temperature: 0.7, topK: 4 }, { temperature: 0 }]) {
      const cached = await generateAsync(gpt, [1, 2, 3], { maxNewTokens: 20, seed: 3, ...options });
      const uncached = await generateAsync(gpt, [1, 2, 3], {
        maxNewTokens: 20,
        seed: 3,
        useCache: false,
        ...options,
      });
      expect(cached).toEqual(uncached);
      expect(cached.length).toBe(23);
    }
    const prompts = [
      [1, 2],
      [3, 4],
    ];
    const batch = await generateAsync(gpt, prompts, { maxNewTokens: 12, generator: new Generator(1) });
    expect(batch).toEqual(
      await generateAsync(gpt, prompts, { maxNewTokens: 12, generator: new Generator(1), useCache: false }),
    );
    expect(gpt.training).toBe(true);
  });

  it("generate (synchronous) gives generateAsync's tokens; on webgpu it names generateAsync", async () => {
    const gpt = small();
    const expected = await generateAsync(gpt, [1, 2, 3], { maxNewTokens: 12, seed: 4, topK: 5 });
    if (syncReads()) {
      expect(generate(gpt, [1, 2, 3], { maxNewTokens: 12, seed: 4, topK: 5 })).toEqual(expected);
    } else {
      const before = getBackend().memory().storages;
      expect(() => generate(gpt, [1, 2, 3], { maxNewTokens: 12, seed: 4 })).toThrow(BackendError);
      expect(() => generate(gpt, [1, 2, 3], { maxNewTokens: 12, seed: 4 })).toThrow(
        /^generate: samples each token on the host, .* the webgpu backend cannot, so use `await models\.generateAsync\(\.\.\.\)`/,
      );
      // the refused call released what it had computed and left the model in training mode
      expect(getBackend().memory().storages).toBe(before);
      expect(gpt.training).toBe(true);
    }
  });

  it("samples only among the top k and follows a peaked distribution", async () => {
    const gpt = small();
    const greedy = await generateAsync(gpt, [1], { maxNewTokens: 8, temperature: 0 });
    expect(await generateAsync(gpt, [1], { maxNewTokens: 8, topK: 1, seed: 9 })).toEqual(greedy);
  });

  it("releases its temporaries in a hand-written training loop", () => {
    const gpt = new GPT({ vocabSize: 12, blockSize: 8, nLayer: 2, nHead: 2, nEmbd: 8, dropout: 0.1 });
    const opt = new Adam(gpt.parameters(), { lr: 1e-3 });
    const counts: number[] = [];
    for (let step = 1; step <= 45; step++) {
      opt.zeroGrad();
      const ids = fromHost(
        Array.from({ length: 16 }, (_, i) => (i * step) % 12),
        [2, 8],
        "int32",
      );
      const loss = crossEntropy(gpt.forward(ids).reshape([16, 12]), ids.reshape([16]));
      loss.backward();
      opt.step();
      if (step % 15 === 0) counts.push(getBackend().memory().storages);
    }
    expect(counts[2]).toBeLessThanOrEqual(counts[0]);
  });

  it("learns a repeating sequence", async () => {
    const gpt = new GPT({
      vocabSize: 5,
      blockSize: 8,
      nLayer: 1,
      nHead: 2,
      nEmbd: 16,
      generator: new Generator(2),
    });
    const seq = [0, 1, 2, 3, 4, 0, 1, 2, 3];
    const x = fromHost(seq.slice(0, 8), [1, 8], "int32");
    const y = fromHost(seq.slice(1), [8], "int32");
    const opt = new Adam(gpt.parameters(), { lr: 0.01 });
    let first = 0;
    let last = 0;
    for (let i = 0; i < 60; i++) {
      opt.zeroGrad();
      const loss = crossEntropy(gpt.forward(x).reshape([8, 5]), y);
      loss.backward();
      opt.step();
      if (i === 0) first = await loss.itemAsync();
      last = await loss.itemAsync();
    }
    expect(last).toBeLessThan(first / 5);
    expect(await generateAsync(gpt, [0, 1], { maxNewTokens: 5, temperature: 0 })).toEqual([
      0, 1, 2, 3, 4, 0, 1,
    ]);
  });
});

describe("GPT and generate: arguments", () => {
  it("have nanoGPT's parameter names", () => {
    const keys = Object.keys(small().stateDict());
    expect(keys.slice(0, 4)).toEqual(["wte.weight", "wpe.weight", "h.0.ln_1.weight", "h.0.ln_1.bias"]);
    expect(keys).toContain("h.1.attn.c_attn.weight");
    expect(keys).toContain("h.1.mlp.c_proj.bias");
    expect(keys.at(-1)).toBe("lm_head.weight");
  });

  it("explain bad inputs", () => {
    const gpt = small();
    expect(() => new GPT({ vocabSize: 4, blockSize: 4, nEmbd: 10, nHead: 4 })).toThrow(ValueError);
    expect(() => gpt.forward(fromHost([1, 2], [2], "int32"))).toThrow(ShapeError);
    expect(() => gpt.forward(fromHost(new Array(11).fill(1), [1, 11], "int32"))).toThrow(
      "GPT: 0 cached + 11 new positions exceed blockSize 10",
    );
    expect(() => generate(gpt, [], { maxNewTokens: 1 })).toThrow(ArgumentError);
    expect(() => generate(gpt, [12], { maxNewTokens: 1 })).toThrow(ValueError);
    expect(() => generate(gpt, [1], { maxNewTokens: 1, topK: 0 })).toThrow(ValueError);
    // the async form checks the same arguments first (a rejection, not a throw)
    return expect(generateAsync(gpt, [12], { maxNewTokens: 1 })).rejects.toThrow(ValueError);
  });
});
