import { describe, expect, it } from "vitest";
import { fromHost, rand, randint, randn, tensor } from "../../../src/ops/creation.js";
import * as F from "../../../src/nn/functional.js";
import {
  BCELoss,
  BCEWithLogitsLoss,
  CrossEntropyLoss,
  HuberLoss,
  L1Loss,
  MSELoss,
  NLLLoss,
  SmoothL1Loss,
} from "../../../src/nn/layers/loss.js";
import { expectClose } from "../../helpers/close.js";

describe("loss modules", () => {
  const x = randn([4, 3]);
  const y = randn([4, 3]);
  const p = rand([4, 3], { low: 0.05, high: 0.95 });
  const t = rand([4, 3]);
  const labels = fromHost([2, 0, -100, 1], [4], "int32");
  const weight = tensor([0.5, 2, 1]);

  it("forward(input, target) matches the functional form with the same options", async () => {
    await expectClose(new MSELoss().forward(x, y), F.mseLoss(x, y));
    await expectClose(new L1Loss({ reduction: "sum" }).forward(x, y), F.l1Loss(x, y, { reduction: "sum" }));
    await expectClose(new HuberLoss({ delta: 0.3 }).forward(x, y), F.huberLoss(x, y, { delta: 0.3 }));
    await expectClose(new SmoothL1Loss({ beta: 0.3 }).forward(x, y), F.smoothL1Loss(x, y, { beta: 0.3 }));
    const ce = new CrossEntropyLoss({ weight, labelSmoothing: 0.1, reduction: "none" });
    await expectClose(
      ce.forward(x, labels),
      F.crossEntropy(x, labels, { weight, labelSmoothing: 0.1, reduction: "none" }),
    );
    const nll = new NLLLoss({ ignoreIndex: 1 });
    const logp = x.logSoftmax(1);
    const l2 = fromHost([2, 0, 1, 1], [4], "int32");
    await expectClose(nll.forward(logp, l2), F.nllLoss(logp, l2, { ignoreIndex: 1 }));
    await expectClose(new BCELoss().forward(p, t), F.binaryCrossEntropy(p, t));
    const pw = tensor([1, 2, 3]);
    await expectClose(
      new BCEWithLogitsLoss({ posWeight: pw }).forward(x, t),
      F.binaryCrossEntropyWithLogits(x, t, { posWeight: pw }),
    );
  });

  it("keep class weights as buffers, not parameters", () => {
    const ce = new CrossEntropyLoss({ weight });
    expect(ce.parameters()).toEqual([]);
    expect(Object.keys(ce.stateDict())).toEqual(["weight"]);
    expect(Object.keys(new MSELoss().stateDict())).toEqual([]);
  });

  it("validate the reduction when constructed", () => {
    expect(() => new MSELoss({ reduction: "avg" as "mean" })).toThrow(
      'MSELoss: reduction must be "mean", "sum" or "none", got "avg"',
    );
  });

  it("describe themselves", () => {
    expect(new MSELoss().describe()).toBe("MSELoss");
    expect(new CrossEntropyLoss({ reduction: "sum" }).describe()).toBe("CrossEntropyLoss(reduction=sum)");
  });

  it("train a tiny classifier: the loss falls", async () => {
    const xs = randn([16, 2]);
    const ys = randint(0, 2, [16]);
    const w = randn([2, 2], { requiresGrad: true });
    const loss = new CrossEntropyLoss();
    const first = loss.forward(F.linear(xs, w), ys);
    let last = await first.itemAsync();
    for (let i = 0; i < 50; i++) {
      w.grad = null;
      const l = loss.forward(F.linear(xs, w), ys);
      l.backward();
      w.assign(w.sub(w.grad!.mul(0.5)).detach());
      last = await l.itemAsync();
    }
    expect(last).toBeLessThan(await first.itemAsync());
  });
});
