/**
 * Unsupervised learning: PCA (scikit-learn's definitions) and autoencoders.
 * @example
 * const pca = new unsupervised.PCA({ nComponents: 2 }).fit(randn([50, 6]));
 * pca.transform(randn([3, 6])).shape; // [3, 2]
 */
export { PCA, type PCAOptions } from "./pca.js";
export {
  Autoencoder,
  TiedLinear,
  deepAutoencoder,
  type ActivationName,
  type DeepAutoencoderOptions,
} from "./autoencoder.js";
