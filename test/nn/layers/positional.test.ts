import { describe, expect, it } from "vitest";
import { ShapeError, ValueError } from "../../../src/base/errors.js";
import { gradcheck } from "../../../src/autograd/gradcheck.js";
import {
  LearnedPositionalEmbedding,
  SinusoidalPositionalEncoding,
} from "../../../src/nn/layers/positional.js";
import { fromHost, randn, zeros } from "../../../src/ops/creation.js";
import { applyRotaryEmbedding } from "../../../src/ops/rotary.js";
import { describeEachBackend, itNeeds } from "../../helpers/backends.js";
import { expectClose } from "../../helpers/close.js";
import { seededValues } from "../../helpers/naive.js";

describeEachBackend("positional encodings", () => {
  it("sinusoidal: sin on even features, cos on odd, added to every batch entry", async () => {
    const pos = new SinusoidalPositionalEncoding(6);
    const pe = pos.encoding(4, 3);
    const expected: number[] = [];
    for (let t = 3; t < 7; t++) {
      for (let i = 0; i < 6; i += 2)
        expected.push(Math.sin(t / 10000 ** (i / 6)), Math.cos(t / 10000 ** (i / 6)));
    }
    await expectClose(pe, expected, { rtol: 1e-6, atol: 1e-6 });
    const y = pos.forward(zeros([200, 2, 6]));
    await expectClose(y.select(1, 1).slice(0, 3, 7), expected, { rtol: 1e-6, atol: 1e-6 });
    expect(pos.stateDict()).toEqual({});
  });

  it("learned: adds the first L rows of weight, batch first or not, and trains", async () => {
    const pos = new LearnedPositionalEmbedding(10, 4, { batchFirst: true });
    const y = pos.forward(zeros([3, 5, 4]));
    await expectClose(y.select(0, 2), pos.weight.slice(0, 0, 5));
    y.sum().backward();
    await expectClose(pos.weight.grad!.slice(0, 0, 5), Array(20).fill(3));
    await expectClose(pos.weight.grad!.slice(0, 5, 10), Array(20).fill(0));
  });

  it("rotary: keeps norms, makes q·k depend on the distance only, and agrees with an offset", async () => {
    const q = randn([1, 8]),
      k = randn([1, 8]);
    const at = (x: typeof q, p: number) => applyRotaryEmbedding(x, { offset: p });
    const dot = async (m: number, n: number) => await at(q, m).mul(at(k, n)).sum().itemAsync();
    expect(Math.abs((await dot(7, 3)) - (await dot(14, 10)))).toBeLessThan(1e-4);
    expect(Math.abs((await dot(7, 3)) - (await dot(3, 7)))).toBeGreaterThan(1e-6);
    await expectClose(at(q, 5).square().sum(), q.square().sum(), { rtol: 1e-5, atol: 1e-6 });
    const x = randn([2, 6, 8]);
    await expectClose(
      applyRotaryEmbedding(x).slice(1, 4, 6),
      applyRotaryEmbedding(x.slice(1, 4, 6), { offset: 4 }),
      {
        rtol: 1e-5,
        atol: 1e-6,
      },
    );
  });

  itNeeds("float64")("rotary passes float64 gradcheck", () => {
    const x = fromHost(seededValues(24, 3, -1, 1), [2, 3, 4], "float64", true);
    expect(gradcheck((t) => applyRotaryEmbedding(t, { offset: 2 }), [x]).ok).toBe(true);
  });
});

describe("positional encodings: arguments", () => {
  it("explain bad shapes and ranges", () => {
    expect(() => applyRotaryEmbedding(randn([2, 5]).slice(1, 0, 3))).toThrow(ShapeError);
    expect(() => applyRotaryEmbedding(randn([2, 4]), { offset: -1 })).toThrow(ValueError);
    expect(() => new LearnedPositionalEmbedding(4, 2).forward(zeros([5, 1, 2]))).toThrow(
      "LearnedPositionalEmbedding: positions up to 5 exceed maxLen 4",
    );
    expect(() => new SinusoidalPositionalEncoding(4).forward(zeros([2, 3]))).toThrow(ShapeError);
  });
});
