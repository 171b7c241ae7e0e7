/**
 * Unsupervised feature learning: PCA (scikit-learn's definitions), autoencoders, restricted Boltzmann
 * machines (Bernoulli and Gaussian visible units) trained by contrastive divergence, annealed importance
 * sampling for their likelihoods, deep belief nets pretrained greedily and unrolled into autoencoders or
 * classifiers, and two-layer deep Boltzmann machines.
 * @example
 * const pca = new unsupervised.PCA({ nComponents: 2 }).fit(randn([50, 6]));
 * pca.transform(randn([3, 6])).shape; // [3, 2]
 * const rbm = new unsupervised.RBM(784, 64);
 * rbm.forward(rand([2, 784])).shape; // [2, 64]
 */
export { PCA, type PCAOptions } from "./pca.js";
export {
  Autoencoder,
  TiedLinear,
  deepAutoencoder,
  type ActivationName,
  type DeepAutoencoderOptions,
} from "./autoencoder.js";
export { RBM, logOdds, type RBMOptions, type SampleOptions } from "./rbm.js";
export { GaussianRBM } from "./gaussian_rbm.js";
export {
  CDState,
  cdStep,
  trainCD,
  type CDModel,
  type CDOptions,
  type CDStepOptions,
  type CDHistory,
  type Schedule,
} from "./cd.js";
export {
  ais,
  betaSchedule,
  effectiveSampleSize,
  logLikelihood,
  summarizeWeights,
  type AISOptions,
  type AISResult,
} from "./ais.js";
export { AnnealingPath } from "./anneal.js";
export { reverseAis, type ReverseAISOptions, type ReverseAISResult } from "./raise.js";
export { exactLogPartition, logSumExpNumbers, softplusNumber } from "./exact.js";
export { DBN, hiddenInChunks, type DBNOptions, type ClassifierOptions } from "./dbn.js";
export { DBM, ScaledRBM, type DBMFitOptions, type MeanField } from "./dbm.js";
export {
  dbmAis,
  dbmReverseAis,
  type DBMAISOptions,
  type DBMReverseAISOptions,
  dbmExactLogPartition,
  dbmExactLogLikelihood,
  dbmLowerBound,
} from "./dbm_ais.js";
export { DBMAnnealingPath } from "./dbm_anneal.js";
