import { describe, expect, it } from "vitest";
import * as F from "../../src/nn/functional.js";
import * as losses from "../../src/nn/layers/loss.js";
import { type LossKind, type LossSpec, lossKind } from "../../src/train/losses_by_name.js";

describe("lossKind", () => {
  it("knows the classification losses by name, by function and by module, and nothing else", () => {
    const cases: [LossSpec, LossKind | undefined][] = [
      ["crossEntropy", "multiclass"],
      ["nll", "multiclass"],
      ["bce", "binary"],
      ["bceWithLogits", "binaryLogits"],
      ["mse", undefined],
      ["l1", undefined],
      ["mae", undefined],
      ["huber", undefined],
      ["smoothL1", undefined],
      [F.crossEntropy, "multiclass"],
      [F.nllLoss, "multiclass"],
      [F.binaryCrossEntropy, "binary"],
      [F.binaryCrossEntropyWithLogits, "binaryLogits"],
      [F.mseLoss, undefined],
      [(p, t) => F.crossEntropy(p, t), undefined], // a function of one's own: unknown
      [{ forward: (p, t) => F.mseLoss(p, t) }, undefined],
    ];
    for (const [spec, kind] of cases) expect([spec, lossKind(spec)]).toEqual([spec, kind]);
  });

  it("reads every loss module of nn right (fails when a module's fields change)", () => {
    const modules: [string, LossKind | undefined][] = [
      ["CrossEntropyLoss", "multiclass"],
      ["NLLLoss", "multiclass"],
      ["BCELoss", "binary"],
      ["BCEWithLogitsLoss", "binaryLogits"],
      ["MSELoss", undefined],
      ["L1Loss", undefined],
      ["HuberLoss", undefined],
      ["SmoothL1Loss", undefined],
    ];
    // every loss module the file exports is in the list above
    expect(Object.keys(losses).sort()).toEqual(modules.map(([name]) => name).sort());
    for (const [name, kind] of modules) {
      const Loss = (losses as unknown as Record<string, new () => LossSpec>)[name];
      expect([name, lossKind(new Loss())]).toEqual([name, kind]);
    }
  });
});
