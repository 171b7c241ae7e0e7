import { expect, it } from "vitest";
import { Generator, bernoulli, nn, optim, rand, tensor, unsupervised } from "../../src/index.js";
import { describeEachBackend } from "../helpers/backends.js";

function close(a: unknown, b: unknown, tol = 1e-5): boolean {
  const x = (a as number[][]).flat(3) as number[];
  const y = (b as number[][]).flat(3) as number[];
  return x.length === y.length && x.every((v, i) => Math.abs(v - y[i]) <= tol);
}

describeEachBackend("DBN", () => {
  it("pretrains layer by layer with a progress line per layer and epoch", () => {
    const dbn = new unsupervised.DBN([12, 6, 4, 3], { generator: new Generator(1) });
    const lines: string[] = [];
    const x = bernoulli(0.4, [50, 12], { generator: new Generator(2) });
    const hist = dbn.pretrain(x, { epochs: 2, batchSize: 10, verbose: true, log: (l) => lines.push(l) });
    expect(hist.map((h) => h.values.length)).toEqual([2, 2, 2]);
    expect(lines.map((l) => l.replace(/ - .*/, ""))).toEqual([
      "Layer 1/3 Epoch 1/2",
      "Layer 1/3 Epoch 2/2",
      "Layer 2/3 Epoch 1/2",
      "Layer 2/3 Epoch 2/2",
      "Layer 3/3 Epoch 1/2",
      "Layer 3/3 Epoch 2/2",
    ]);
    expect(lines[0]).toMatch(/reconstruction: \d/);
    expect(dbn.forward(x).shape).toEqual([50, 3]);
    expect(dbn.rbms.map((r) => [r.nVisible, r.nHidden])).toEqual([
      [12, 6],
      [6, 4],
      [4, 3],
    ]);
    // per-layer options
    const per = dbn.pretrain(x, [{ epochs: 1 }, { epochs: 2 }, { epochs: 3 }]);
    expect(per.map((h) => h.values.length)).toEqual([1, 2, 3]);
  });

  it("unrolls into an Autoencoder of Linear + Sigmoid with the RBMs' weights", async () => {
    const dbn = new unsupervised.DBN([8, 5, 3], { initStd: 0.5, generator: new Generator(3) });
    dbn.rbms[0].vbias.assign(rand([8]));
    const ae = dbn.toAutoencoder();
    expect(ae).toBeInstanceOf(unsupervised.Autoencoder);
    const x = rand([4, 8]);
    expect(close(ae.encode(x).toArray(), dbn.forward(x).toArray())).toBe(true);
    // decoder: σ(W1ᵀ σ(W2ᵀ z + b2) + b1), the RBMs' top-down passes
    const z = ae.encode(x);
    const manual = dbn.rbms[0].visibleMean(dbn.rbms[1].visibleMean(z));
    expect(close(ae.decode(z).toArray(), manual.toArray())).toBe(true);
    expect(Object.keys(ae.stateDict())).toEqual([
      "encoder.0.weight",
      "encoder.0.bias",
      "encoder.2.weight",
      "encoder.2.bias",
      "decoder.0.weight",
      "decoder.0.bias",
      "decoder.2.weight",
      "decoder.2.bias",
    ]);
    const linear = dbn.toAutoencoder({ linearCode: true });
    expect(linear.encoder.forward(x).min().item()).toBeLessThan(0); // no sigmoid on the code layer
    // the unrolled copy is independent: training it leaves the DBN alone
    const before = dbn.rbms[0].weight.clone();
    ae.compile({ optimizer: new optim.SGD(ae.parameters(), { lr: 1 }), loss: "mse" });
    await ae.fit([x, x], { epochs: 1, batchSize: 4, verbose: 0 });
    expect(close(ae.encoder.forward(x).toArray(), dbn.forward(x).toArray())).toBe(false);
    expect(close(dbn.rbms[0].weight.toArray(), before.toArray(), 0)).toBe(true);
  });

  it("becomes a classifier that compile/fit trains and that saves and loads", async () => {
    const g = new Generator(5);
    const dbn = new unsupervised.DBN([6, 8], { generator: g });
    const rows = Array.from({ length: 64 }, (_, r) =>
      Array.from({ length: 6 }, (_, i) => ((r % 2 === 0) === i < 3 ? 1 : 0)),
    );
    const x = tensor(rows);
    const y = tensor(
      rows.map((_, r) => r % 2),
      { dtype: "int32" },
    );
    dbn.pretrain(x, { epochs: 5, batchSize: 8, generator: g });
    const clf = dbn.toClassifier(2, { generator: g });
    expect(clf).toBeInstanceOf(nn.Sequential);
    expect(close(clf.layers[1].forward(clf.layers[0].forward(x)).toArray(), dbn.forward(x).toArray())).toBe(
      true,
    );
    clf.compile({
      optimizer: new optim.Adam(clf.parameters(), { lr: 0.05 }),
      loss: "crossEntropy",
      metrics: ["accuracy"],
    });
    await clf.fit([x, y], { epochs: 20, batchSize: 16, verbose: 0 });
    expect(clf.evaluate([x, y]).accuracy).toBe(1);
    const copy = dbn.toClassifier(2);
    copy.loadStateDict(clf.stateDict());
    expect(close(copy.forward(x).toArray(), clf.forward(x).toArray())).toBe(true);
    expect(() => dbn.toClassifier(1)).toThrow(/numClasses/);
    expect(() => new unsupervised.DBN([5])).toThrow(/at least two/);
  });
});
