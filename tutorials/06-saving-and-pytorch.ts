/**
 * Tutorial 06: saving and loading a model, and moving weights between Strata and PyTorch through
 * safetensors files. Run: npx tsx tutorials/06-saving-and-pytorch.ts
 * The PyTorch side is tutorials/06-saving-and-pytorch.py; this script needs no Python: it checks the
 * file that the Python script wrote and that is committed (tutorials/data/06-from-pytorch.safetensors).
 */
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { data, io, manualSeed, nn, optim } from "strata-dl";

// STRATA_QUICK=1: train on 5,000 images for 1 epoch instead of 60,000 for 2
const quick = process.env.STRATA_QUICK === "1";
const outDir = fileURLToPath(new URL(quick ? "./output/quick/" : "./output/", import.meta.url));
mkdirSync(outDir, { recursive: true });
manualSeed(0);

// The architecture, written so that it can be rebuilt from a small config object
type Config = { hidden: number };
const makeModel = (config: Config) =>
  new nn.Sequential(new nn.Linear(784, config.hidden), new nn.ReLU(), new nn.Linear(config.hidden, 10));

// 1. Train a model worth saving (tutorial 02's MLP)
const { train, test } = await data.mnist({ flatten: true, ...(quick ? { limitTrain: 5000 } : {}) });
const config: Config = { hidden: 128 };
const model = makeModel(config);
model.compile({ optimizer: new optim.Adam(model.parameters(), { lr: 2e-3 }), loss: "crossEntropy" });
await model.fit(train, { epochs: quick ? 1 : 2, batchSize: 64, verbose: 0 });
const accuracy = model.evaluate(test, { batchSize: 1000 }).accuracy;
console.log(`trained: test accuracy ${(100 * accuracy).toFixed(2)}%`);

// 2. The state dict: every parameter and buffer by name. The names are the ones PyTorch gives the
// same nn.Sequential (a layer's position, then its attribute), so the files are interchangeable
for (const [name, t] of Object.entries(model.stateDict())) console.log(`  ${name.padEnd(9)} [${t.shape}]`);

// 3. Save: the weights and the config go into one safetensors file (and a readable .json beside it)
const path = `${outDir}06-saving-and-pytorch-mlp.safetensors`;
const written = await io.saveModel(model, path, config);
console.log(
  `saved ${Object.values(written)
    .map((p) => p.slice(outDir.length))
    .join(" and ")}`,
);

// 4. Load, as another program would: rebuild from the config, then fill in the weights
const savedConfig = await io.loadConfig<Config>(path);
const restored = makeModel(savedConfig);
await io.loadModel(restored, path); // strict: a missing, extra or misshapen tensor is an error
const [images] = test.tensors;
const probe = images.slice(0, 0, 100); // the first 100 test images
const difference = restored.predict(probe).sub(model.predict(probe)).abs().max().item();
console.log(`restored from ${savedConfig.hidden} hidden units: largest output difference ${difference}`);

// Inputs and Strata's outputs for the Python script to compare PyTorch's against
await io.saveTensors(`${outDir}06-saving-and-pytorch-probe.safetensors`, {
  images: probe,
  logits: model.predict(probe),
});

// 5. From PyTorch: a file written by tutorials/06-saving-and-pytorch.py (committed in tutorials/data/):
// the state dict of a torch.nn.Sequential of the same shape, saved by PyTorch, and PyTorch's outputs
// for a probe input, saved beside it
const fromTorch = fileURLToPath(new URL("./data/06-from-pytorch.safetensors", import.meta.url));
const torchCheck = await io.loadTensors(
  fileURLToPath(new URL("./data/06-from-pytorch-outputs.safetensors", import.meta.url)),
);
const torchModel = makeModel({ hidden: 16 }); // the Python script made a small one
await io.loadModel(torchModel, fromTorch);
const torchDifference = torchModel.predict(torchCheck.inputs).sub(torchCheck.outputs).abs().max().item();
console.log(
  `PyTorch's weights in Strata: largest difference from PyTorch's own outputs ${torchDifference.toExponential(2)}`,
);

// The checks: the model learned, the reload is exact, and PyTorch's weights compute PyTorch's outputs
if (!(accuracy > 0.85)) throw new Error(`the model did not learn: test accuracy ${accuracy}`);
if (difference !== 0) throw new Error(`the restored model differs from the saved one by ${difference}`);
if (!(torchDifference < 1e-5)) throw new Error(`PyTorch's weights give outputs ${torchDifference} away`);
