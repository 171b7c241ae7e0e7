/**
 * Data: datasets, the DataLoader, MNIST, CSV, train/test splits and normalisation helpers.
 * @example
 * import { data } from "strata-dl";
 * const { train, test } = await data.mnist({ limitTrain: 640 }); // all 60,000 without the limit
 * for await (const [x, y] of new data.DataLoader(train, { batchSize: 64, shuffle: true })) {
 *   // x: [64, 1, 28, 28], y: [64]
 * }
 * test.length; // 10000
 */
export type { Collated, Dataset } from "./dataset.js";
export { TensorDataset, Subset, randomSplit } from "./dataset.js";
export type { DataLoaderOptions } from "./dataloader.js";
export { DataLoader, defaultCollate } from "./dataloader.js";
export type { MnistOptions } from "./mnist.js";
export { mnist, MNIST_MEAN, MNIST_STD } from "./mnist.js";
export type { SplitOptions, SplitIndices } from "./split.js";
export { trainTestSplit, trainTestIndices } from "./split.js";
export type { Axes, Stat, Standardized, MinMaxScaled } from "./transforms.js";
export { normalize, standardize, minMaxScale, Standardizer } from "./transforms.js";
export type { RandomOptions, RandomCropOptions, RandomShiftOptions, RandomAffineOptions } from "./augment.js";
export type { TransformLike, TransformedDatasetOptions } from "./transformed_dataset.js";
export { Compose, TransformedDataset } from "./transformed_dataset.js";
export {
  RandomCrop,
  RandomHorizontalFlip,
  RandomShift,
  RandomAffine,
  RandomRotation,
  Normalize,
} from "./augment.js";
export type {
  LoadCsvOptions,
  LoadCsvTargetOptions,
  CsvTensors,
  CsvFeatures,
  LabeledCsv,
} from "./csv_dataset.js";
export { loadCsv, csvToTensors, csvDataset } from "./csv_dataset.js";
export type { Csv, NumericCsv, ParseCsvOptions } from "./csv.js";
export { parseCsv, csvToNumbers } from "./csv.js";
export type { IdxArray, IdxType } from "./idx.js";
export { parseIdx, checkIdxLabels } from "./idx.js";
export { loadIdx, isGzip } from "./idx_file.js";
export type { MnistArrays } from "./mnist_files.js";
export { loadMnistArrays, MNIST_FILES } from "./mnist_files.js";
