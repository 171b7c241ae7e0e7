import { describe, expect, it } from "vitest";
import { DTypeError, ShapeError, ValueError } from "../../src/base/errors.js";
import { getBackend } from "../../src/backends/registry.js";
import { noGrad } from "../../src/core/grad_mode.js";
import { gradcheck } from "../../src/autograd/gradcheck.js";
import { manualSeed } from "../../src/core/random.js";
import type { Tensor } from "../../src/core/tensor.js";
import { randn, tensor, zeros } from "../../src/ops/creation.js";
import { concat, stack } from "../../src/ops/movement.js";
import { gru, gruCell, lstm, lstmCell, type RecurrentWeights, rnn, rnnCell } from "../../src/ops/rnn.js";
import { describeEachBackend, itNeeds } from "../helpers/backends.js";
import { expectClose } from "../helpers/close.js";

const f64 = { dtype: "float64" as const, requiresGrad: true };

function weights(gates: number, inSize: number, hidden: number, dtype: "float32" | "float64" = "float32") {
  const opts = { dtype, requiresGrad: dtype === "float64" };
  return {
    weightIh: randn([gates * hidden, inSize], opts)
      .mul(0.5)
      .detach()
      .requiresGrad_(),
    weightHh: randn([gates * hidden, hidden], opts)
      .mul(0.5)
      .detach()
      .requiresGrad_(),
    biasIh: randn([gates * hidden], opts)
      .mul(0.5)
      .detach()
      .requiresGrad_(),
    biasHh: randn([gates * hidden], opts)
      .mul(0.5)
      .detach()
      .requiresGrad_(),
  } satisfies RecurrentWeights;
}

const flatW = (ws: RecurrentWeights[]) => ws.flatMap((w) => [w.weightIh, w.weightHh, w.biasIh!, w.biasHh!]);
const unflat = (ps: Tensor[]): RecurrentWeights[] =>
  Array.from({ length: ps.length / 4 }, (_, k) => ({
    weightIh: ps[4 * k],
    weightHh: ps[4 * k + 1],
    biasIh: ps[4 * k + 2],
    biasHh: ps[4 * k + 3],
  }));

describeEachBackend("recurrent ops", () => {
  it("a sequence equals its cells stepped by hand", async () => {
    manualSeed(1);
    const w = weights(4, 3, 5);
    const x = randn([6, 2, 3]);
    const [out, [h, c]] = lstm(x, [w]);
    let state: [Tensor, Tensor] | null = null;
    const outs: Tensor[] = [];
    for (let t = 0; t < 6; t++) {
      state = lstmCell(x.select(0, t), state, w.weightIh, w.weightHh, w.biasIh, w.biasHh);
      outs.push(state[0]);
    }
    await expectClose(out, stack(outs), { rtol: 1e-5, atol: 1e-6 });
    await expectClose(h.select(0, 0), state![0], { rtol: 1e-5, atol: 1e-6 });
    await expectClose(c.select(0, 0), state![1], { rtol: 1e-5, atol: 1e-6 });

    const g = weights(3, 3, 5);
    const [gOut] = gru(x, [g]);
    let hg: Tensor | null = null;
    for (let t = 0; t < 6; t++) hg = gruCell(x.select(0, t), hg, g.weightIh, g.weightHh, g.biasIh, g.biasHh);
    await expectClose(gOut.select(0, 5), hg!, { rtol: 1e-5, atol: 1e-6 });

    const r = weights(1, 3, 5);
    const [rOut] = rnn(x, [r], null, { nonlinearity: "relu" });
    let hr: Tensor | null = null;
    for (let t = 0; t < 6; t++) {
      hr = rnnCell(x.select(0, t), hr, r.weightIh, r.weightHh, r.biasIh, r.biasHh, "relu");
    }
    await expectClose(rOut.select(0, 5), hr!, { rtol: 1e-5, atol: 1e-6 });
  });

  itNeeds("syncRead")(
    "the reverse direction of a padded sequence starts at the sequence's own end",
    async () => {
      manualSeed(2);
      const ws = [weights(3, 2, 3), weights(3, 2, 3)];
      const x = randn([4, 1, 2]);
      const [full, hFull] = gru(x.slice(0, 0, 2), ws, null, { bidirectional: true });
      const [padded, hPadded] = gru(x, ws, null, { bidirectional: true, lengths: [2] });
      await expectClose(padded.slice(0, 0, 2), full, { rtol: 1e-5, atol: 1e-6 });
      await expectClose(hPadded, hFull, { rtol: 1e-5, atol: 1e-6 });
      // a sequence of length 0 keeps its initial state and outputs zeros
      const h0 = randn([2, 2, 3]);
      const [o, h] = gru(randn([4, 2, 2]), ws, h0, {
        bidirectional: true,
        lengths: tensor([0, 4], { dtype: "int32" }),
      });
      await expectClose(o.select(1, 0), zeros([4, 6]));
      await expectClose(h.select(1, 0), h0.select(1, 0));
    },
  );

  it("without biases, and with inputs that need gradients (steps split as a tree)", async () => {
    manualSeed(3);
    const w = { weightIh: randn([8, 3]), weightHh: randn([8, 2]) };
    const x = randn([9, 2, 3]).requiresGrad_();
    const [out] = lstm(x, [w]);
    out.sum().backward();
    const ref = randn([9, 2, 3]).mul(0).add(x.detach()).requiresGrad_();
    let state: [Tensor, Tensor] | null = null;
    let total: Tensor | null = null;
    for (let t = 0; t < 9; t++) {
      state = lstmCell(ref.select(0, t), state, w.weightIh, w.weightHh);
      total = total ? total.add(state[0].sum()) : state[0].sum();
    }
    total!.backward();
    await expectClose(x.grad!, ref.grad!, { rtol: 1e-4, atol: 1e-6 });
  });

  it("under noGrad give the same results, releasing each step's intermediates as they go", async () => {
    manualSeed(6);
    const ws = [weights(4, 3, 4), weights(4, 3, 4), weights(4, 8, 4), weights(4, 8, 4)];
    const x = randn([5, 2, 3]);
    const options = { bidirectional: true, lengths: [5, 3] };
    const [out, [h, c]] = lstm(x, ws, null, options);
    const before = getBackend().memory().storages;
    const [out2, [h2, c2]] = noGrad(() => lstm(x, ws, null, options));
    // what is left: the outputs and states it returns (and the views they were stacked from)
    expect(getBackend().memory().storages - before).toBeLessThan(120); // about 300 with a graph
    await expectClose(out2, out);
    await expectClose(h2, h);
    await expectClose(c2, c);
  });

  it("check their arguments", () => {
    const w = weights(4, 3, 5);
    expect(() => lstm(randn([6, 2, 4]), [w])).toThrow(
      "lstm: expected input (seq, batch, features) with 3 features, got (6, 2, 4)",
    );
    expect(() => lstm(randn([6, 2]), [w])).toThrow(ShapeError);
    expect(() => lstm(randn([6, 2, 3, 1]), [w])).toThrow(
      "lstm: expected input (seq, batch, features) or unbatched (seq, features), got (6, 2, 3, 1)",
    );
    expect(() => lstm(randn([6, 2, 4]), [w, w], null, { bidirectional: true, batchFirst: true })).toThrow(
      "lstm: expected input (batch, seq, features) with 3 features, got (6, 2, 4)",
    );
    expect(() => gru(randn([6, 2, 3]), [w])).toThrow(
      /gru: weights of layer 0 must be \(15, in\) and \(15, 5\)/,
    );
    expect(() => lstm(randn([6, 2, 3]), [w, w, w], null, { bidirectional: true })).toThrow(
      "lstm: expected weights for layers × 2 direction(s), got 3 sets",
    );
    expect(() => lstm(randn([6, 2, 3]), [w, w])).toThrow(
      "lstm: layer 1 input weights (20, 3) do not fit the 5 features of the layer below",
    );
    expect(() => lstm(randn([6, 2, 3]), [w], [zeros([1, 2, 5]), zeros([1, 3, 5])])).toThrow(
      "lstm: expected initial cell state (1, 2, 5), got (1, 3, 5)",
    );
    expect(() => lstm(randn([6, 2, 3]), [w], null, { lengths: tensor([1, 2]) })).toThrow(DTypeError);
    expect(() => lstm(randn([6, 3]), [w], null, { lengths: [6] })).toThrow(ValueError);
    expect(() => rnn(randn([6, 2, 3]), [weights(1, 3, 5)], null, { nonlinearity: "gelu" as "relu" })).toThrow(
      'rnn: nonlinearity must be "tanh" or "relu", got "gelu"',
    );
    expect(() => lstmCell(randn([2, 4]), null, w.weightIh, w.weightHh)).toThrow(
      "lstmCell: expected input (batch, 3) or (3,), got (2, 4)",
    );
    expect(() => lstm(randn([6, 2, 3]).int(), [w])).toThrow(
      "lstm: input must be float32 or float64, got int32",
    );
  });
});

describe("recurrent ops in float64", () => {
  itNeeds("float64")("pass gradcheck through 2 bidirectional layers with lengths and initial states", () => {
    manualSeed(4);
    const H = 2;
    for (const [mode, gates] of [
      ["lstm", 4],
      ["gru", 3],
      ["rnn", 1],
    ] as const) {
      const ws = [weights(gates, 2, H, "float64"), weights(gates, 2, H, "float64")];
      ws.push(weights(gates, 2 * H, H, "float64"), weights(gates, 2 * H, H, "float64"));
      const x = randn([3, 2, 2], f64);
      const h0 = randn([4, 2, H], f64);
      const c0 = randn([4, 2, H], f64);
      const options = { bidirectional: true, lengths: [3, 2] };
      const fn = (xx: Tensor, hh: Tensor, cc: Tensor, ...ps: Tensor[]) => {
        if (mode === "lstm") {
          const [out, [h, c]] = lstm(xx, unflat(ps), [hh, cc], options);
          return concat([out.flatten(), h.flatten(), c.flatten()]);
        }
        const [out, h] = (mode === "gru" ? gru : rnn)(xx, unflat(ps), hh, options);
        return concat([out.flatten(), h.flatten(), cc.mul(0).flatten()]);
      };
      const r = gradcheck(fn, [x, h0, c0, ...flatW(ws)]);
      expect(r.ok, `${mode}: ${r.message}`).toBe(true);
    }
  });

  itNeeds("float64")("cells pass gradcheck", () => {
    manualSeed(5);
    const x = randn([2, 3], f64);
    const h = randn([2, 2], f64);
    const c = randn([2, 2], f64);
    for (const [name, gates] of [
      ["lstmCell", 4],
      ["gruCell", 3],
      ["rnnCell", 1],
    ] as const) {
      const w = weights(gates, 3, 2, "float64");
      const fn = (xx: Tensor, hh: Tensor, cc: Tensor, a: Tensor, b: Tensor, bi: Tensor, bh: Tensor) => {
        if (name === "lstmCell") return concat(lstmCell(xx, [hh, cc], a, b, bi, bh), 1);
        return (name === "gruCell" ? gruCell : rnnCell)(xx, hh, a, b, bi, bh).add(cc.mul(0));
      };
      const r = gradcheck(fn, [x, h, c, w.weightIh, w.weightHh, w.biasIh, w.biasHh]);
      expect(r.ok, `${name}: ${r.message}`).toBe(true);
    }
  });
});
