import { expect, it } from "vitest";
import { tensor } from "../../src/ops/creation.js";
import { Linear } from "../../src/nn/layers/linear.js";
import { ReLU } from "../../src/nn/layers/activation.js";
import { Sequential } from "../../src/nn/sequential.js";
import * as rl from "../../src/rl/index.js";
import { describeEachBackend } from "../helpers/backends.js";
import "../../src/ops/methods.js";

function pair() {
  const online = new Sequential(new Linear(2, 3), new ReLU(), new Linear(3, 1));
  const target = rl.cloneModule(online);
  online.layers[0].stateDict().weight.assign(
    tensor([
      [1, 2],
      [3, 4],
      [5, 6],
    ]),
  );
  target.layers[0].stateDict().weight.assign(
    tensor([
      [0, 0],
      [0, 0],
      [10, 10],
    ]),
  );
  return { online, target };
}

describeEachBackend("target networks", () => {
  it("cloneModule copies the structure and values into tensors of its own", () => {
    const online = new Sequential(new Linear(2, 3), new ReLU(), new Linear(3, 1));
    const copy = rl.cloneModule(online);
    expect(copy).toBeInstanceOf(Sequential);
    expect(Object.keys(copy.stateDict())).toEqual(Object.keys(online.stateDict()));
    expect(copy.parameters().every((p, i) => p !== online.parameters()[i] && p.requiresGrad)).toBe(true);
    const x = tensor([[0.5, -1]]);
    expect(copy.forward(x).toArray()).toEqual(online.forward(x).toArray());
    online.parameters()[0].assign(online.parameters()[0].mul(2));
    expect(copy.parameters()[0].toArray()).not.toEqual(online.parameters()[0].toArray());
  });

  it("hardUpdate copies exactly; the copy does not follow later changes", () => {
    const { online, target } = pair();
    rl.hardUpdate(target, online);
    expect(target.layers[0].stateDict().weight.toArray()).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    for (const [k, v] of Object.entries(online.stateDict()))
      expect(target.stateDict()[k].toArray()).toEqual(v.toArray());
    online.layers[0].stateDict().weight.assign(
      tensor([
        [9, 9],
        [9, 9],
        [9, 9],
      ]),
    );
    expect(target.layers[0].stateDict().weight.toArray()).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
  });

  it("softUpdate is τ·online + (1 − τ)·target", () => {
    const { online, target } = pair();
    rl.softUpdate(target, online, 0.25);
    expect(target.layers[0].stateDict().weight.toArray()).toEqual([
      [0.25, 0.5],
      [0.75, 1],
      [8.75, 9],
    ]);
    rl.softUpdate(target, online, 0.5);
    expect(target.layers[0].stateDict().weight.toArray()).toEqual([
      [0.625, 1.25],
      [1.875, 2.5],
      [6.875, 7.5],
    ]);
    rl.softUpdate(target, online, 1);
    expect(target.layers[0].stateDict().weight.toArray()).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    expect(() => rl.softUpdate(target, online, 1.5)).toThrow(/tau must be in \[0, 1\]/);
    expect(() => rl.hardUpdate(new Linear(2, 2), online)).toThrow(/differ in structure/);
  });
});
