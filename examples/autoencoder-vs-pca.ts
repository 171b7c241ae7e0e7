/**
 * The deep autoencoder 784-1000-500-250-30 against PCA-30 on MNIST (Hinton & Salakhutdinov 2006):
 * squared reconstruction error summed over the 784 pixels, and a PNG of test digits beside their
 * PCA and autoencoder reconstructions. The 30-D half of examples/autoencoder-mnist.ts, whose header
 * lists the options (they pass through).
 *
 *   npx tsx examples/autoencoder-vs-pca.ts [--train 10000] [--epochs 30]
 *   STRATA_QUICK=1 npx tsx examples/autoencoder-vs-pca.ts
 */
process.argv.push("--only", "30");
await import("./autoencoder-mnist.js");
