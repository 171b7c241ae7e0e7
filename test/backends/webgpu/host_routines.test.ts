import { describe, expect, it } from "vitest";
import { getBackend } from "../../../src/backends/registry.js";
import { BackendError } from "../../../src/base/errors.js";
import { Generator } from "../../../src/core/random.js";
import * as linalg from "../../../src/linalg/index.js";
import { randn, tensor } from "../../../src/ops/creation.js";
import * as rl from "../../../src/rl/index.js";
import { ais, logLikelihood } from "../../../src/unsupervised/ais.js";
import { trainCD } from "../../../src/unsupervised/cd.js";
import { DBM } from "../../../src/unsupervised/dbm.js";
import { dbmAis, dbmExactLogPartition, dbmReverseAis } from "../../../src/unsupervised/dbm_ais.js";
import { reverseAis } from "../../../src/unsupervised/raise.js";
import { exactLogPartition } from "../../../src/unsupervised/exact.js";
import { PCA } from "../../../src/unsupervised/pca.js";
import { RBM } from "../../../src/unsupervised/rbm.js";
import { webgpuUnavailable } from "../../helpers/webgpu_run.js";

/**
 * The routines that compute on the host (linalg's float64 factorizations, PCA, AIS and exact
 * likelihoods, CD training's per-epoch monitor, a DQN agent's action choice and update) are not run on
 * webgpu: each throws a BackendError that names the routine, why it reads, and the way out, before
 * doing any work (rather than the generic dataSync error from deep inside).
 */
const hostAdvice = /needs a synchronous read that the webgpu backend cannot do; run it on the wasm backend/;

describe.skipIf(webgpuUnavailable() !== null)("host routines on webgpu: a clear BackendError", () => {
  it("linalg (every routine reads its matrices in one place)", () => {
    expect(getBackend().name).toBe("webgpu");
    const a = tensor([
      [2, 1],
      [1, 3],
    ]);
    const routines: [string, () => unknown][] = [
      ["linalg.inv", () => linalg.inv(a)],
      ["linalg.solve", () => linalg.solve(a, tensor([[1], [2]]))],
      ["linalg.det", () => linalg.det(a)],
      ["linalg.cholesky", () => linalg.cholesky(a)],
      ["linalg.eigh", () => linalg.eigh(a)],
      ["linalg.svd", () => linalg.svd(a)],
      ["linalg.qr", () => linalg.qr(a)],
    ];
    for (const [name, run] of routines) {
      expect(run, name).toThrow(BackendError);
      expect(run, name).toThrow(hostAdvice);
      expect(run, name).toThrow(new RegExp(`^${name.replace(".", "\\.")}: computes on the host in float64`));
    }
  });

  it("PCA, AIS, exact partition functions, CD training", () => {
    const x = randn([8, 4]);
    expect(() => new PCA({ nComponents: 2 }).fit(x)).toThrow(/^PCA\.fit: computes the eigendecomposition/);
    const rbm = new RBM(4, 3, { generator: new Generator(1) });
    expect(() => ais(rbm)).toThrow(/^ais: runs its annealing weights on the host/);
    expect(() => logLikelihood(rbm, x, 0)).toThrow(/^logLikelihood: /);
    expect(() => reverseAis(rbm, x)).toThrow(/^reverseAis: accumulates its annealing weights on the host/);
    expect(() => exactLogPartition(rbm)).toThrow(/^exactLogPartition: /);
    expect(() => trainCD(rbm, x.gt(0).float(), { epochs: 1 })).toThrow(/^trainCD: reads its monitor/);
    expect(() => rbm.reconstructionError(x)).toThrow(/^reconstructionError: .*itemAsync\(\)`$/);
    const dbm = new DBM(4, 3, 2, { generator: new Generator(2) });
    expect(() => dbmAis(dbm)).toThrow(/^dbmAis: /);
    expect(() => dbmReverseAis(dbm)).toThrow(/^dbmReverseAis: /);
    expect(() => dbmExactLogPartition(dbm)).toThrow(/^dbmExactLogPartition: /);
    for (const run of [
      () => ais(rbm),
      () => trainCD(rbm, x, { epochs: 1 }),
      () => dbmAis(dbm),
      () => dbmReverseAis(dbm),
    ]) {
      expect(run).toThrow(BackendError);
      expect(run).toThrow(hostAdvice);
    }
  });

  it("a DQN agent: acting and updating", () => {
    const agent = new rl.DQN(rl.make("CartPole-v1"), { network: [8], seed: 0 });
    const observation = new Float32Array(agent.observationShape.reduce((a, b) => a * b, 1));
    expect(() => agent.qValues(observation)).toThrow(
      /^DQN\.qValues: picks actions on the host, which needs a synchronous read/,
    );
    expect(() => agent.act(observation)).toThrow(BackendError);
    expect(() => agent.update()).toThrow(/^DQN\.update: returns the loss and updates priorities on the host/);
  });
});
