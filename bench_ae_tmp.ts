import { data, manualSeed, optim, unsupervised } from "./src/index.js";
manualSeed(1);
const { train } = await data.mnist({ flatten: true, limitTrain: 6000, limitTest: 100 });
const [x] = train.tensors;
for (const bs of [64, 256]) {
  const ae = unsupervised.deepAutoencoder([784, 1000, 500, 250, 30], { activation: "relu" });
  ae.compile({ optimizer: new optim.Adam(ae.parameters(), { lr: 1e-3 }), loss: "bce", metrics: [] });
  const t = performance.now();
  await ae.fit([x, x], { epochs: 1, batchSize: bs, verbose: 0 });
  console.log("bs", bs, "6000 imgs 1 epoch", ((performance.now() - t) / 1000).toFixed(2), "s");
}
