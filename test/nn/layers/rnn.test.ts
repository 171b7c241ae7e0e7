import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ShapeError, ValueError } from "../../../src/base/errors.js";
import { noGrad } from "../../../src/core/grad_mode.js";
import { gradcheck } from "../../../src/autograd/gradcheck.js";
import { manualSeed } from "../../../src/core/random.js";
import type { Tensor } from "../../../src/core/tensor.js";
import { deserialize } from "../../../src/io/save.js";
import { GRU, GRUCell } from "../../../src/nn/layers/gru.js";
import { Linear } from "../../../src/nn/layers/linear.js";
import { LSTM, LSTMCell } from "../../../src/nn/layers/lstm.js";
import type { CellBase, RecurrentBase } from "../../../src/nn/layers/recurrent.js";
import { RNN, RNNCell } from "../../../src/nn/layers/rnn.js";
import { Sequential } from "../../../src/nn/sequential.js";
import { randn, tensor, zeros } from "../../../src/ops/creation.js";
import { concat } from "../../../src/ops/movement.js";
import { describeEachBackend, itNeeds } from "../../helpers/backends.js";
import { expectClose } from "../../helpers/close.js";
import { type FixtureTensor, fixtureTensor, loadFixture } from "../../helpers/fixtures.js";

type Mode = "lstm" | "gru" | "rnnTanh" | "rnnRelu";
interface RnnCase {
  name: string;
  mode: Mode;
  kind: "layer" | "cell" | "safetensors";
  file?: string;
  inputSize: number;
  hiddenSize: number;
  numLayers?: number;
  bidirectional?: boolean;
  batchFirst?: boolean;
  bias: boolean;
  input: FixtureTensor;
  h0: FixtureTensor | null;
  c0: FixtureTensor | null;
  lengths?: number[] | null;
  params: Record<string, FixtureTensor>;
  output?: FixtureTensor;
  h_n: FixtureTensor;
  c_n: FixtureTensor | null;
  W?: FixtureTensor;
  V: FixtureTensor;
  Vc: FixtureTensor | null;
  grad_input: FixtureTensor;
  grad_h0: FixtureTensor | null;
  grad_c0: FixtureTensor | null;
  grad_params: Record<string, FixtureTensor>;
}

const TOL = { rtol: 1e-4, atol: 1e-5 };

function makeLayer(c: RnnCase): RecurrentBase {
  const options = {
    numLayers: c.numLayers,
    bidirectional: c.bidirectional,
    batchFirst: c.batchFirst,
    bias: c.bias,
  };
  if (c.mode === "lstm") return new LSTM(c.inputSize, c.hiddenSize, options);
  if (c.mode === "gru") return new GRU(c.inputSize, c.hiddenSize, options);
  return new RNN(c.inputSize, c.hiddenSize, {
    ...options,
    nonlinearity: c.mode === "rnnRelu" ? "relu" : "tanh",
  });
}

function makeCell(c: RnnCase): CellBase {
  const options = { bias: c.bias };
  if (c.mode === "lstm") return new LSTMCell(c.inputSize, c.hiddenSize, options);
  if (c.mode === "gru") return new GRUCell(c.inputSize, c.hiddenSize, options);
  return new RNNCell(c.inputSize, c.hiddenSize, {
    ...options,
    nonlinearity: c.mode === "rnnRelu" ? "relu" : "tanh",
  });
}

function loadParams(m: RecurrentBase | CellBase, c: RnnCase): void {
  const state: Record<string, Tensor> = {};
  for (const [k, v] of Object.entries(c.params)) state[k] = fixtureTensor(v);
  // strict: the names are exactly PyTorch's
  m.loadStateDict(state);
}

async function checkGrads(
  m: RecurrentBase | CellBase,
  c: RnnCase,
  x: Tensor,
  h0: Tensor | null,
  c0: Tensor | null,
) {
  await expectClose(x.grad!, fixtureTensor(c.grad_input), TOL);
  if (c.grad_h0) await expectClose(h0!.grad!, fixtureTensor(c.grad_h0), TOL);
  if (c.grad_c0) await expectClose(c0!.grad!, fixtureTensor(c.grad_c0), TOL);
  const own = m.stateDict();
  expect(Object.keys(own).sort()).toEqual(Object.keys(c.grad_params).sort());
  for (const [k, g] of Object.entries(c.grad_params)) {
    expect(own[k].grad, `gradient of ${k}`).not.toBeNull();
    await expectClose(own[k].grad!, fixtureTensor(g), TOL);
  }
}

describeEachBackend("RNN, LSTM, GRU vs PyTorch", () => {
  for (const c of loadFixture<RnnCase>("rnn").cases.filter((k) => k.kind !== "safetensors")) {
    it(`${c.name}: outputs, final states and every gradient`, async () => {
      const x = fixtureTensor(c.input).requiresGrad_();
      const h0 = c.h0 ? fixtureTensor(c.h0).requiresGrad_() : null;
      const c0 = c.c0 ? fixtureTensor(c.c0).requiresGrad_() : null;
      if (c.kind === "layer") {
        const layer = makeLayer(c);
        loadParams(layer, c);
        const options = { lengths: c.lengths ?? undefined };
        let out: Tensor;
        let h: Tensor;
        let cell: Tensor | null = null;
        if (layer instanceof LSTM) {
          [out, [h, cell]] = layer.run(x, h0 && c0 ? [h0, c0] : null, options);
        } else {
          [out, h] = (layer as GRU | RNN).run(x, h0, options);
        }
        await expectClose(out, fixtureTensor(c.output!), TOL);
        await expectClose(h, fixtureTensor(c.h_n), TOL);
        if (c.c_n) await expectClose(cell!, fixtureTensor(c.c_n), TOL);
        let loss = out
          .mul(fixtureTensor(c.W!))
          .sum()
          .add(h.mul(fixtureTensor(c.V)).sum());
        if (cell) loss = loss.add(cell.mul(fixtureTensor(c.Vc!)).sum());
        loss.backward();
        await checkGrads(layer, c, x, h0, c0);
      } else {
        const m = makeCell(c);
        loadParams(m, c);
        let h: Tensor;
        let cell: Tensor | null = null;
        if (m instanceof LSTMCell) [h, cell] = m.run(x, h0 && c0 ? [h0, c0] : null);
        else h = h0 ? m.forward(x, h0) : m.forward(x);
        await expectClose(h, fixtureTensor(c.h_n), TOL);
        if (c.c_n) await expectClose(cell!, fixtureTensor(c.c_n), TOL);
        let loss = h.mul(fixtureTensor(c.V)).sum();
        if (cell) loss = loss.add(cell.mul(fixtureTensor(c.Vc!)).sum());
        loss.backward();
        await checkGrads(m, c, x, h0, c0);
      }
    });
  }
});

describeEachBackend("LSTM weights saved by PyTorch", () => {
  it("load by name from a safetensors file written from torch.nn.LSTM.state_dict()", async () => {
    const c = loadFixture<RnnCase>("rnn").cases.find((k) => k.kind === "safetensors")!;
    const bytes = readFileSync(fileURLToPath(new URL(`../../fixtures/${c.file}`, import.meta.url)));
    const lstm = new LSTM(c.inputSize, c.hiddenSize, {
      numLayers: c.numLayers,
      bidirectional: c.bidirectional,
      batchFirst: c.batchFirst,
    });
    lstm.loadStateDict(deserialize(new Uint8Array(bytes)));
    const [out, [h, cell]] = noGrad(() => lstm.run(fixtureTensor(c.input)));
    await expectClose(out, fixtureTensor(c.output!), TOL);
    await expectClose(h, fixtureTensor(c.h_n), TOL);
    await expectClose(cell, fixtureTensor(c.c_n!), TOL);
  });
});

describe("recurrent layers", () => {
  it("name parameters as PyTorch, in PyTorch's order, initialised in ±1/√hidden", async () => {
    manualSeed(3);
    const gru = new GRU(5, 16, { numLayers: 2, bidirectional: true });
    expect(Object.keys(gru.stateDict())).toEqual([
      "weight_ih_l0",
      "weight_hh_l0",
      "bias_ih_l0",
      "bias_hh_l0",
      "weight_ih_l0_reverse",
      "weight_hh_l0_reverse",
      "bias_ih_l0_reverse",
      "bias_hh_l0_reverse",
      "weight_ih_l1",
      "weight_hh_l1",
      "bias_ih_l1",
      "bias_hh_l1",
      "weight_ih_l1_reverse",
      "weight_hh_l1_reverse",
      "bias_ih_l1_reverse",
      "bias_hh_l1_reverse",
    ]);
    const sd = gru.stateDict();
    expect(sd.weight_ih_l0.shape).toEqual([48, 5]);
    expect(sd.weight_ih_l1.shape).toEqual([48, 32]);
    expect(sd.weight_hh_l1_reverse.shape).toEqual([48, 16]);
    const bound = 1 / Math.sqrt(16);
    for (const t of gru.parameters()) {
      const v = Array.from(await t.data());
      expect(Math.max(...v)).toBeLessThanOrEqual(bound);
      expect(Math.min(...v)).toBeGreaterThanOrEqual(-bound);
    }
    expect(new LSTM(4, 8, { bias: false }).parameters().length).toBe(2);
    expect(Object.keys(new LSTMCell(3, 2).stateDict())).toEqual([
      "weight_ih",
      "weight_hh",
      "bias_ih",
      "bias_hh",
    ]);
  });

  it("describe themselves", () => {
    expect(new LSTM(32, 64).describe()).toBe("LSTM(32 → 64)");
    expect(
      new GRU(8, 4, { numLayers: 2, bidirectional: true, batchFirst: true, dropout: 0.1 }).describe(),
    ).toBe("GRU(8 → 4, layers=2, bidirectional, batchFirst, dropout=0.1)");
    expect(new RNN(3, 5, { nonlinearity: "relu", returnSequences: false }).describe()).toBe(
      "RNN(3 → 5, relu, returnSequences=false)",
    );
    expect(new RNNCell(3, 5, { nonlinearity: "relu" }).describe()).toBe("RNNCell(3 → 5, relu)");
    expect(new LSTMCell(3, 5, { bias: false }).describe()).toBe("LSTMCell(3 → 5, bias=false)");
  });

  it("name the layer and the shapes when the input or a state does not fit", () => {
    const lstm = new LSTM(10, 20, { numLayers: 2 });
    expect(() => lstm.forward(randn([5, 3, 16]))).toThrow(ShapeError);
    expect(() => lstm.forward(randn([5, 3, 16]))).toThrow(
      "LSTM(10 → 20, layers=2) expected input (seq, batch, 10) or unbatched (seq, 10), got (5, 3, 16)",
    );
    expect(() =>
      new GRU(10, 20, { batchFirst: true }).forward(randn([3, 10]).reshape([1, 1, 3, 10])),
    ).toThrow(
      "GRU(10 → 20, batchFirst) expected input (batch, seq, 10) or unbatched (seq, 10), got (1, 1, 3, 10)",
    );
    expect(() => lstm.run(randn([5, 3, 10]), [zeros([1, 3, 20]), zeros([1, 3, 20])])).toThrow(
      "LSTM(10 → 20, layers=2): expected initial hidden state (2, 3, 20), got (1, 3, 20)",
    );
    expect(() => new GRU(4, 2).run(randn([5, 3, 4]), null, { lengths: [5, 6, 1] })).toThrow(
      "GRU(4 → 2): every length must be an integer in [0, 5] (the sequence size), got 6",
    );
    expect(() => new GRU(4, 2).run(randn([5, 3, 4]), null, { lengths: [5, 1] })).toThrow(
      "GRU(4 → 2): got 2 lengths for a batch of 3 sequences",
    );
    expect(() => new LSTMCell(4, 2).run(randn([3, 5]))).toThrow(
      "LSTMCell(4 → 2) expected input (batch, 4) or (4,), got (3, 5)",
    );
    expect(() => new GRUCell(4, 2).forward(randn([3, 4]), zeros([3, 3]))).toThrow(
      "gruCell: expected hidden state (3, 2), got (3, 3)",
    );
    expect(() => new LSTM(0, 3)).toThrow(ValueError);
    expect(() => new GRU(3, 3, { dropout: 1.5 })).toThrow("GRU: dropout must be in [0, 1], got 1.5");
    expect(() => new RNN(3, 3, { nonlinearity: "sigmoid" as "tanh" })).toThrow(
      'RNN: nonlinearity must be "tanh" or "relu", got "sigmoid"',
    );
  });

  itNeeds("syncRead")(
    "returnSequences false gives the top layer's final state; it fits a Sequential",
    async () => {
      manualSeed(4);
      const gru = new GRU(3, 4, {
        numLayers: 2,
        bidirectional: true,
        batchFirst: true,
        returnSequences: false,
      });
      const x = randn([2, 6, 3]);
      const [, h] = gru.run(x, null, { lengths: [6, 3] });
      const last = gru.forward(x, tensor([6, 3], { dtype: "int32" }));
      expect(last.shape).toEqual([2, 8]);
      await expectClose(last.slice(1, 0, 4), h.select(0, 2));
      await expectClose(last.slice(1, 4, 8), h.select(0, 3));
      const model = new Sequential(
        new LSTM(3, 5, { batchFirst: true, returnSequences: false }),
        new Linear(5, 1),
      );
      expect(model.forward(x).shape).toEqual([2, 1]);
      expect(model.summary([2, 6, 3])).toContain("LSTM(3 → 5, batchFirst, returnSequences=false)  (2, 5)");
    },
  );

  it("padding past a sequence's length changes neither its outputs nor its final state", async () => {
    manualSeed(5);
    const lstm = new LSTM(3, 4, { bidirectional: true, batchFirst: true });
    const short = randn([1, 3, 3]);
    const padded = concat([short, randn([1, 4, 3]).mul(10)], 1);
    const [o1, [h1, c1]] = lstm.run(short);
    const [o2, [h2, c2]] = lstm.run(padded, null, { lengths: [3] });
    await expectClose(o2.slice(1, 0, 3), o1, { rtol: 1e-5, atol: 1e-6 });
    await expectClose(o2.slice(1, 3), zeros([1, 4, 8]));
    await expectClose(h2, h1, { rtol: 1e-5, atol: 1e-6 });
    await expectClose(c2, c1, { rtol: 1e-5, atol: 1e-6 });
  });

  it("unbatched input gives unbatched output and states", () => {
    const lstm = new LSTM(3, 4, { numLayers: 2 });
    const [out, [h, c]] = lstm.run(randn([7, 3]));
    expect(out.shape).toEqual([7, 4]);
    expect(h.shape).toEqual([2, 4]);
    expect(c.shape).toEqual([2, 4]);
    expect(new GRUCell(3, 4).forward(randn([3])).shape).toEqual([4]);
  });

  it("dropout between layers acts in training only", async () => {
    manualSeed(6);
    const gru = new GRU(3, 8, { numLayers: 3, dropout: 0.5 });
    const x = randn([4, 2, 3]);
    gru.eval();
    const a = gru.forward(x);
    const b = gru.forward(x);
    await expectClose(a, b);
    gru.train();
    const c = gru.forward(x);
    expect(Math.max(...Array.from(await c.sub(a).abs().data()))).toBeGreaterThan(1e-3);
  });

  it("stateful layers carry their detached final states into the next call (truncated BPTT in fit)", async () => {
    manualSeed(7);
    const lstm = new LSTM(2, 3, { stateful: true, batchFirst: true });
    const plain = new LSTM(2, 3, { batchFirst: true });
    plain.loadStateDict(lstm.stateDict());
    const x = randn([2, 8, 2]);
    const whole = plain.forward(x);
    const first = lstm.forward(x.slice(1, 0, 4));
    const second = lstm.forward(x.slice(1, 4, 8));
    await expectClose(concat([first, second], 1), whole, { rtol: 1e-5, atol: 1e-6 });
    // the carried state is cut from the graph: backward stops at the chunk boundary
    second.sum().backward();
    expect(lstm.weights(0).weightHh.grad).not.toBeNull();
    lstm.resetStates();
    await expectClose(lstm.forward(x.slice(1, 0, 4)), first);
    // a batch of another size starts from zeros
    expect(lstm.forward(randn([3, 4, 2])).shape).toEqual([3, 4, 3]);
  });

  itNeeds("float64")("pass gradcheck in float64", () => {
    manualSeed(8);
    for (const make of [
      () => new LSTM(2, 2, { numLayers: 2, bidirectional: true, dtype: "float64" }),
      () => new GRU(2, 2, { bidirectional: true, batchFirst: true, dtype: "float64" }),
      () => new RNN(2, 3, { numLayers: 2, dtype: "float64" }),
    ]) {
      const layer = make();
      const names = Object.keys(layer.stateDict());
      const x = randn([3, 3, 2], { dtype: "float64", requiresGrad: true });
      const fn = (xx: Tensor, ...ps: Tensor[]) => {
        const fields = layer as unknown as Record<string, Tensor>;
        const saved = names.map((n) => fields[n]);
        names.forEach((n, i) => {
          fields[n] = ps[i];
        });
        try {
          const [out, h] = (layer as GRU).run(xx, null, { lengths: [3, 1, 2] });
          return concat([out.flatten(), (Array.isArray(h) ? h[0] : h).flatten()]);
        } finally {
          names.forEach((n, i) => {
            fields[n] = saved[i];
          });
        }
      };
      const r = gradcheck(fn, [x, ...names.map((n) => layer.stateDict()[n])]);
      expect(r.ok, `${layer.describe()}: ${r.message}`).toBe(true);
    }
  });
});
