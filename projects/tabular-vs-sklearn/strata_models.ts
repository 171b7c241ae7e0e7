/**
 * The Strata side of the comparison: one dataset, one seeded split, two models trained the way
 * examples/tabular-csv.ts trains its MLP (and scripts/sklearn_tabular.py its scikit-learn twins).
 */
import { type Tensor, data, manualSeed, nn, optim } from "strata-dl";

/** Test accuracy of each Strata model on one split, and the split's row indices (for scikit-learn). */
export interface StrataRun {
  train: number[];
  test: number[];
  logistic: number;
  mlp: number;
}

/**
 * Splits `features`/`target` (a quarter for testing, stratified, seeded), standardises with the training
 * rows' statistics, and trains:
 * - a logistic regression: one Linear layer on the cross-entropy, full batch, Adam, with the L2 penalty
 *   of scikit-learn's default `LogisticRegression(C=1)` (½‖w‖² added to the summed loss, so 1/n on the
 *   mean loss; here it also reaches the bias, which scikit-learn leaves unpenalised);
 * - the MLP of examples/tabular-csv.ts: F-32-K, ReLU, Adam lr 1e-3, batches of 16, 60 epochs.
 */
export async function runStrata(
  features: Tensor,
  target: Tensor,
  numClasses: number,
  seed: number,
): Promise<StrataRun> {
  const split = { testSize: 0.25, stratify: target, seed };
  const [[xTrain, yTrain], [xTest, yTest]] = data.trainTestSplit([features, target], split);
  const { train, test } = data.trainTestIndices(features.shape[0], split);
  const scaler = data.Standardizer.fit(xTrain);
  const zTrain = scaler.transform(xTrain);
  const zTest = scaler.transform(xTest);
  const n = zTrain.shape[0];
  const inputs = features.shape[1];

  manualSeed(seed);
  const logistic = new nn.Linear(inputs, numClasses);
  logistic.compile({
    optimizer: new optim.Adam(logistic.parameters(), { lr: 0.05, weightDecay: 1 / n }),
    loss: "crossEntropy",
  });
  await logistic.fit([zTrain, yTrain], { epochs: 300, batchSize: n, verbose: 0 });

  manualSeed(seed);
  const mlp = new nn.Sequential(new nn.Linear(inputs, 32), new nn.ReLU(), new nn.Linear(32, numClasses));
  mlp.compile({ optimizer: new optim.Adam(mlp.parameters(), { lr: 1e-3 }), loss: "crossEntropy" });
  await mlp.fit([zTrain, yTrain], { epochs: 60, batchSize: 16, verbose: 0 });

  return {
    train: [...train],
    test: [...test],
    logistic: logistic.evaluate([zTest, yTest]).accuracy,
    mlp: mlp.evaluate([zTest, yTest]).accuracy,
  };
}
