/**
 * 2-D codes of MNIST test digits: an autoencoder 784-1000-500-250-2 against PCA-2, as scatter plots
 * coloured by digit (PNG), with the 5-nearest-neighbour accuracy of each in code space. The 2-D half of
 * examples/autoencoder-mnist.ts, whose header lists the options (they pass through).
 *
 *   npx tsx examples/codes-2d.ts [--train 10000] [--epochs2d 8]
 *   STRATA_QUICK=1 npx tsx examples/codes-2d.ts
 */
process.argv.push("--only", "2d");
await import("./autoencoder-mnist.js");
