/**
 * The top level of Hinton, Osindero & Teh's (2006) digit generator: an RBM whose visible layer is the
 * penultimate layer's units together with label units. With the label units clamped to a class,
 * alternating Gibbs sampling in this RBM settles into that class's part of the model; a pass down the
 * lower layers turns the result into an image. Also classification by free energy (the label whose
 * visible vector has the lowest free energy).
 *
 * `unsupervised.RBM` has Bernoulli visible units only, so the label units here are independent
 * Bernoulli units trained on one-hot codes, not the paper's softmax group of 10; when the labels are
 * clamped (generation, classification) that difference does not arise. The codes are repeated
 * (`copies`) so that the label weighs as much as the penultimate layer in the chain.
 */
import {
  type Generator,
  type Tensor,
  bernoulli,
  concat,
  keep,
  noGrad,
  oneHot,
  tensor,
  tidy,
  type unsupervised,
} from "strata-dl";

export const CLASSES = 10;
/**
 * The label units of classes `labels` ([n] int32): the one-hot code repeated `copies` times,
 * [n, 10 · copies]. Each copy has its own weights; repeating the code gives the clamped label more
 * pull on the hidden layer than 10 units have beside hundreds of penultimate units.
 */
export function labelUnits(labels: Tensor, copies: number): Tensor {
  const oneHotCode = oneHot(labels, CLASSES);
  return concat(
    Array.from({ length: copies }, () => oneHotCode),
    1,
  );
}

/** The top RBM's visible vectors: penultimate-layer activities [n, P] beside the label units. */
export function withLabels(pen: Tensor, labels: Tensor, copies: number): Tensor {
  return concat([pen, labelUnits(labels, copies)], 1);
}

/**
 * Gibbs sampling in `top` with the label units clamped to `labels` ([n] int32), started from random
 * penultimate states; returns the penultimate units' probabilities after the last step, [n, P].
 */
export function sampleClamped(
  top: unsupervised.RBM,
  labels: Tensor,
  copies: number,
  steps: number,
  g: Generator,
): Tensor {
  const n = labels.shape[0];
  const penSize = top.nVisible - CLASSES * copies;
  return noGrad(() => {
    const clamp = keep(labelUnits(labels, copies));
    let pen = keep(bernoulli(0.5, [n, penSize], { generator: g }));
    let mean: Tensor | null = null;
    for (let s = 0; s < steps; s++) {
      const [nextMean, next] = tidy(() => {
        const h = top.sampleHidden(top.hiddenProbs(concat([pen, clamp], 1)), g);
        const m = top.visibleMean(h).slice(1, 0, penSize); // the label part is clamped: drop its means
        return [m, top.sampleVisible(m, g)];
      });
      pen.dispose();
      mean?.dispose();
      pen = next;
      mean = nextMean;
    }
    pen.dispose();
    clamp.dispose();
    return mean as Tensor;
  });
}

/** Predicted classes [n] of penultimate activities [n, P]: the label with the lowest free energy. */
export function classifyByFreeEnergy(top: unsupervised.RBM, pen: Tensor, copies: number): Int32Array {
  const n = pen.shape[0];
  const energies: Float32Array[] = [];
  for (let c = 0; c < CLASSES; c++) {
    energies.push(
      tidy(() =>
        Float32Array.from(
          top.freeEnergy(withLabels(pen, tensor(new Int32Array(n).fill(c)), copies)).dataSync(),
        ),
      ),
    );
  }
  const predicted = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < CLASSES; c++) if (energies[c][i] < energies[best][i]) best = c;
    predicted[i] = best;
  }
  return predicted;
}
