/**
 * Ready-made models built from `nn`: a decoder-only transformer language model (`GPT`) and
 * `generate`, sampling with temperature, top-k and a key/value cache.
 * @example
 * import { models } from "strata-dl";
 * const gpt = new models.GPT({ vocabSize: 16, blockSize: 32, nLayer: 2, nHead: 2, nEmbd: 16 });
 * models.generate(gpt, [0, 1, 2], { maxNewTokens: 5, seed: 1 }).length; // 8
 */
export { GPT } from "./gpt.js";
export type { GPTOptions, KVCache } from "./gpt.js";
export { generate, generateAsync } from "./generate.js";
export type { GenerateOptions } from "./generate.js";
