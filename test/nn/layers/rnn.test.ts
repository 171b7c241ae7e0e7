import { expect, it } from "vitest";
import type { Tensor } from "../../../src/core/tensor.js";
import { GRU, GRUCell } from "../../../src/nn/layers/gru.js";
import { LSTM, LSTMCell } from "../../../src/nn/layers/lstm.js";
import type { CellBase, RecurrentBase } from "../../../src/nn/layers/recurrent.js";
import { RNN, RNNCell } from "../../../src/nn/layers/rnn.js";
import { describeEachBackend } from "../../helpers/backends.js";
import { expectClose } from "../../helpers/close.js";
import { type FixtureTensor, fixtureTensor, loadFixture } from "../../helpers/fixtures.js";

type Mode = "lstm" | "gru" | "rnnTanh" | "rnnRelu";
interface RnnCase {
  name: string;
  mode: Mode;
  kind: "layer" | "cell";
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

function checkGrads(
  m: RecurrentBase | CellBase,
  c: RnnCase,
  x: Tensor,
  h0: Tensor | null,
  c0: Tensor | null,
) {
  expectClose(x.grad!, fixtureTensor(c.grad_input), TOL);
  if (c.grad_h0) expectClose(h0!.grad!, fixtureTensor(c.grad_h0), TOL);
  if (c.grad_c0) expectClose(c0!.grad!, fixtureTensor(c.grad_c0), TOL);
  const own = m.stateDict();
  expect(Object.keys(own).sort()).toEqual(Object.keys(c.grad_params).sort());
  for (const [k, g] of Object.entries(c.grad_params)) {
    expect(own[k].grad, `gradient of ${k}`).not.toBeNull();
    expectClose(own[k].grad!, fixtureTensor(g), TOL);
  }
}

describeEachBackend("RNN, LSTM, GRU vs PyTorch", () => {
  for (const c of loadFixture<RnnCase>("rnn").cases) {
    it(`${c.name}: outputs, final states and every gradient`, () => {
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
        expectClose(out, fixtureTensor(c.output!), TOL);
        expectClose(h, fixtureTensor(c.h_n), TOL);
        if (c.c_n) expectClose(cell!, fixtureTensor(c.c_n), TOL);
        let loss = out
          .mul(fixtureTensor(c.W!))
          .sum()
          .add(h.mul(fixtureTensor(c.V)).sum());
        if (cell) loss = loss.add(cell.mul(fixtureTensor(c.Vc!)).sum());
        loss.backward();
        checkGrads(layer, c, x, h0, c0);
      } else {
        const m = makeCell(c);
        loadParams(m, c);
        let h: Tensor;
        let cell: Tensor | null = null;
        if (m instanceof LSTMCell) [h, cell] = m.run(x, h0 && c0 ? [h0, c0] : null);
        else h = h0 ? m.forward(x, h0) : m.forward(x);
        expectClose(h, fixtureTensor(c.h_n), TOL);
        if (c.c_n) expectClose(cell!, fixtureTensor(c.c_n), TOL);
        let loss = h.mul(fixtureTensor(c.V)).sum();
        if (cell) loss = loss.add(cell.mul(fixtureTensor(c.Vc!)).sum());
        loss.backward();
        checkGrads(m, c, x, h0, c0);
      }
    });
  }
});
