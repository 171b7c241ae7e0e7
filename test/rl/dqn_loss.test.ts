import { expect, it } from "vitest";
import { Linear } from "../../src/nn/layers/linear.js";
import { ReLU } from "../../src/nn/layers/activation.js";
import { Sequential } from "../../src/nn/sequential.js";
import { Adam } from "../../src/optim/adam.js";
import { RMSprop } from "../../src/optim/rmsprop.js";
import * as rl from "../../src/rl/index.js";
import { describeEachBackend } from "../helpers/backends.js";
import { type FixtureTensor, fixtureTensor } from "../helpers/fixtures.js";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import "../../src/ops/methods.js";
import "../../src/autograd/methods.js";

interface Case {
  name: string;
  doubleDqn: boolean;
  loss: "huber" | "mse";
  optimizer: "adam" | "rmsprop";
  weighted: boolean;
  q: number[];
  targets: number[];
  lossValue: number;
  after: Record<string, FixtureTensor>;
}
const fx = JSON.parse(
  readFileSync(fileURLToPath(new URL("../fixtures/rl_dqn_update.json", import.meta.url)), "utf8"),
) as {
  gamma: number;
  lr: number;
  online: Record<string, FixtureTensor>;
  target: Record<string, FixtureTensor>;
  batch: Record<string, number[]>;
  cases: Case[];
};

function net(weights: Record<string, FixtureTensor>) {
  const m = new Sequential(new Linear(4, 6), new ReLU(), new Linear(6, 2));
  m.loadStateDict(Object.fromEntries(Object.entries(weights).map(([k, v]) => [k, fixtureTensor(v)])));
  return m;
}

function closeTo(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number) {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) expect(Math.abs(actual[i] - expected[i])).toBeLessThan(tol);
}

describeEachBackend("one DQN update matches PyTorch (scripts/gen_fixtures_dqn.py)", () => {
  for (const c of fx.cases) {
    it(c.name, () => {
      const online = net(fx.online);
      const target = net(fx.target);
      const b = fx.batch;
      const batch: rl.TransitionBatch = {
        observations: Float32Array.from(b.observations),
        nextObservations: Float32Array.from(b.nextObservations),
        actions: Int32Array.from(b.actions),
        rewards: Float32Array.from(b.rewards),
        dones: Float32Array.from(b.dones),
        weights: c.weighted ? Float32Array.from(b.weights) : new Float32Array(5).fill(1),
        indices: new Int32Array(5),
        batchSize: 5,
      };
      const params = online.parameters();
      const opt =
        c.optimizer === "adam"
          ? new Adam(params, { lr: fx.lr })
          : new RMSprop(params, { lr: fx.lr, alpha: 0.95, eps: 0.01 });
      const { loss, tdErrors, q } = rl.dqnLoss(online, target, batch, {
        gamma: fx.gamma,
        doubleDqn: c.doubleDqn,
        loss: c.loss,
      });
      closeTo(q.dataSync(), c.q, 1e-5);
      closeTo(
        tdErrors.dataSync(),
        c.targets.map((y, i) => y - c.q[i]),
        1e-5,
      );
      expect(loss.item()).toBeCloseTo(c.lossValue, 5);
      opt.zeroGrad();
      loss.backward();
      opt.step();
      for (const [k, v] of Object.entries(online.stateDict())) closeTo(v.dataSync(), c.after[k].data, 1e-5);
    });
  }
});
