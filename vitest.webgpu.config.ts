import { defineConfig } from "vitest/config";

/**
 * The webgpu suite (`npm run test:webgpu`): needs a WebGPU adapter (in CI, Mesa's lavapipe), skips
 * without one. Besides test/backends/webgpu/ it runs the backend-parametrised suite (describeEachBackend)
 * on webgpu only — ref and wasm run it in `npm test` — and makes webgpu the default backend for the other
 * suites of these files. docs/WEBGPU.md says which files and why.
 *
 * Not run here, and why:
 * - host logic that computes nothing on a backend, run once in `npm test`: core/{args, dtype, shape,
 *   random, dispatch} (dispatch checks that wasm is the Node default), data/{csv, idx, mnist,
 *   mnist_files} (parsing files into host arrays), io/{safetensors, atomic_write, file_error} (bytes and
 *   files), optim/schedulers (learning-rate arithmetic), train/{metrics, losses_by_name} (the host
 *   metrics that evaluate uses; their device forms run in fit and evaluateAsync here);
 * - float64 by nature: autograd/gradcheck (finite differences), linalg/ (float64 host routines; on webgpu
 *   each throws a BackendError naming the way out: backends/webgpu/host_routines.test.ts);
 * - host routines, same BackendError: unsupervised/ (PCA, CD training's monitor, AIS), rl/ (a DQN
 *   agent acts and updates on the host);
 * - not yet converted to awaited reads: core/tensor, and 4 of train/memory's 10 cases (they read the
 *   loss synchronously each step, and its fit case's 1,000 steps take 70 s on lavapipe); its other 6,
 *   hand-written synchronous loops included, pass on webgpu as they are (checked by hand, 2026-11-29).
 *   The webgpu memory contract runs here through core/memory, nn/layers/no_leaks, conv_memory,
 *   models/gpt_memory and backends/webgpu/sync_loop.
 */
export default defineConfig({
  test: {
    include: [
      "test/backends/webgpu/**/*.test.ts",
      "test/ops/**/*.test.ts",
      // gradcheck.test.ts is float64 only (finite differences): nothing of it runs on webgpu
      "test/autograd/backward.test.ts",
      "test/autograd/function.test.ts",
      "test/autograd/grad_rules.test.ts",
      "test/nn/**/*.test.ts",
      "test/optim/optimizers.test.ts",
      "test/optim/clip.test.ts",
      // fit / evaluateAsync / predict / callbacks / checkpoints as a user writes them, on webgpu
      "test/train/model.test.ts",
      "test/models/gpt.test.ts",
      "test/models/gpt_memory.test.ts",
      // save / load on webgpu, images from GPU tensors, printing
      "test/io/save.test.ts",
      "test/io/png.test.ts",
      "test/core/format.test.ts",
      "test/core/memory.test.ts",
      // datasets, loaders, splits and transforms on GPU tensors (loadCsv's tensors too)
      "test/data/dataset.test.ts",
      "test/data/dataloader.test.ts",
      "test/data/split.test.ts",
      "test/data/transforms.test.ts",
      "test/data/csv_dataset.test.ts",
    ],
    env: { STRATA_BACKENDS: "webgpu" },
    testTimeout: 120_000,
    pool: "forks",
    setupFiles: ["test/helpers/webgpu_setup.ts"],
  },
});
