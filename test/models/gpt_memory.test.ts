import { expect, it } from "vitest";
import { getBackend } from "../../src/backends/registry.js";
import { Generator } from "../../src/core/random.js";
import { GPT } from "../../src/models/gpt.js";
import { generateAsync } from "../../src/models/generate.js";
import { describeEachBackend } from "../helpers/backends.js";

// In a file of its own: other tests' models, once garbage, are freed whenever the collector runs, which
// would move the count this test compares.
describeEachBackend("GPT generation memory", () => {
  it("releases its tensors while generating, past blockSize too", async () => {
    const gpt = new GPT({
      vocabSize: 12,
      blockSize: 10,
      nLayer: 2,
      nHead: 2,
      nEmbd: 16,
      generator: new Generator(5),
    });
    await generateAsync(gpt, [1, 2], { maxNewTokens: 4, seed: 1 });
    const before = getBackend().memory().storages;
    await generateAsync(gpt, [1, 2], { maxNewTokens: 40, seed: 1 });
    expect(getBackend().memory().storages).toBe(before);
  });
});
