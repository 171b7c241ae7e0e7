/**
 * CSV files as tensors: numeric feature columns become a float32 matrix, one column can be the target.
 * Reading a file uses Node's `fs` through a dynamic import, so this module also loads in browsers,
 * where `csvToTensors` takes the text directly.
 */

import { ValueError } from "../base/errors.js";
import { fileError } from "../io/file_error.js";
import type { Tensor } from "../core/tensor.js";
import { fromHost } from "../ops/creation.js";
import { type Csv, csvRowName, csvToNumbers, parseCsv } from "./csv.js";
import { TensorDataset } from "./dataset.js";

/**
 * Options of {@link loadCsv} and {@link csvToTensors}.
 * @example
 * const options: LoadCsvOptions = { target: "price", targetDtype: "float32", delimiter: ";" };
 * const { target } = await data.loadCsv("rooms;price\n3;250000\n4;320000\n", options);
 * target.dtype; // "float32"
 */
export interface LoadCsvOptions {
  /** The target column, by name or by index (negative counts from the end); every other column is a feature. */
  target?: string | number;
  /** Whether the first line holds the column names (default true); without one, columns are named "0", "1", ... */
  header?: boolean;
  /** Field separator (default ","). */
  delimiter?: string;
  /**
   * The target's dtype. By default: int32 when every target value is an integer, float32 when the
   * values are numbers but not all integers, and class indices (int32, with `classes`) when they are
   * not numbers, such as "setosa" / "virginica".
   */
  targetDtype?: "int32" | "float32";
  /**
   * Treat the target's values as class labels even when they are numbers: the distinct values, sorted
   * (numerically when they are all numbers), become 0..k-1, listed in `classes` (default false: integer
   * targets are used as they are). Not with `targetDtype`.
   */
  categorical?: boolean;
}

/**
 * The feature part of what {@link loadCsv} and {@link csvToTensors} return (all of it without a target).
 * @example
 * import { writeFile } from "node:fs/promises";
 * await writeFile("points.csv", "x,y\n1,2\n3,4\n5,6\n");
 * const { features, columns }: CsvFeatures = await data.loadCsv("points.csv");
 * features.shape; // [3, 2]
 * columns; // ["x", "y"]
 */
export interface CsvFeatures {
  /** Feature columns as float32 `[rows, columns.length]`. */
  features: Tensor;
  /** The names of the feature columns, in the order of `features`' columns. */
  columns: string[];
}

/**
 * What {@link loadCsv} returns when a target column is named: the features and the target.
 * @example
 * const text = "alcohol,hue,class\n14.2,1.04,0\n12.4,0.93,1\n13.7,0.57,2\n";
 * const { features, target, numClasses }: LabeledCsv = await data.loadCsv(text, { target: "class" });
 * target.toArray(); // [0, 1, 2]
 * numClasses; // 3
 */
export interface LabeledCsv extends CsvFeatures {
  /** The target column as `[rows]`: int32 class indices or integers, or float32 values. */
  target: Tensor;
  /** The name of the target column. */
  targetColumn: string;
  /**
   * For class names ("setosa", ...) or with `categorical: true`: the distinct labels, sorted (numbers
   * numerically); the target holds indices into this list.
   */
  classes?: string[];
  /**
   * For an int32 target with no negative value: the number of outputs a classifier needs so that every
   * label is a valid class index, `max + 1` (labels 0, 1, 2 give 3; labels 1, 2, 3 give 4, class 0 unused:
   * pass `categorical: true` to map them to 0, 1, 2). With `classes`, its length. Absent for a float
   * target.
   */
  numClasses?: number;
}

/**
 * Tensors made from a CSV: {@link LabeledCsv} when a target was asked for, {@link CsvFeatures} when not.
 * @example
 * const text = "x,label\n1,0\n2,1\n";
 * const options: LoadCsvOptions = process.argv.includes("--unlabeled") ? {} : { target: "label" };
 * const loaded: CsvTensors = data.csvToTensors(text, options); // options decided at run time
 * if ("target" in loaded) console.log(loaded.target.shape);
 * "target" in loaded; // true
 */
export type CsvTensors = CsvFeatures | LabeledCsv;

/**
 * Options that name a target column, which makes {@link loadCsv} return a {@link LabeledCsv}.
 * @example
 * const options: LoadCsvTargetOptions = { target: "species" };
 * data.csvToTensors("petal,species\n1.4,setosa\n4.7,versicolor\n", options).classes; // ["setosa", "versicolor"]
 */
export type LoadCsvTargetOptions = LoadCsvOptions & { target: string | number };

function fail(where: string, err: unknown): never {
  const msg = (err as Error).message.replace(/^(parseCsv|csvToNumbers): /, "");
  throw new ValueError(`${where}: ${msg}`);
}

const FLOAT32_MAX = 3.4028234663852886e38;
const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/**
 * Throws when a finite value of `values` (row-major, `columns.length` wide) would become Infinity as
 * float32, e.g. "1e39": the error names the row, line, column and cell text.
 */
function checkFloat32(where: string, csv: Csv, values: Float64Array, columns: number[], label = "column") {
  const cols = columns.length;
  for (let k = 0; k < values.length; k++) {
    const v = values[k];
    if (Math.abs(v) > FLOAT32_MAX && Number.isFinite(v)) {
      const r = Math.floor(k / cols);
      const j = columns[k % cols];
      throw new ValueError(
        `${where}: ${csvRowName(csv, r)}, ${label} ${JSON.stringify(csv.columns[j])}: ` +
          `${JSON.stringify(csv.rows[r][j])} is too large for float32 (it would become Infinity)`,
      );
    }
  }
}

function resolveTarget(where: string, csv: Csv, target: string | number): number {
  const n = csv.columns.length;
  if (typeof target === "number") {
    if (!Number.isInteger(target) || target < -n || target >= n) {
      throw new ValueError(`${where}: target column index ${target} is out of range for ${n} column(s)`);
    }
    return target < 0 ? target + n : target;
  }
  const j = csv.columns.indexOf(target);
  if (j < 0) {
    throw new ValueError(
      `${where}: no target column named ${JSON.stringify(target)}; the columns are ${JSON.stringify(csv.columns)}`,
    );
  }
  return j;
}

type TargetPart = Pick<LabeledCsv, "target" | "classes" | "numClasses">;

/** Labels as int32 indices into their sorted distinct values (sorted numerically when they are `values`). */
function classIndices(labels: readonly string[] | Float64Array): TargetPart {
  const distinct: (string | number)[] =
    labels instanceof Float64Array ? [...new Set(labels)].sort((a, b) => a - b) : [...new Set(labels)].sort();
  const index = new Map(distinct.map((v, i) => [v, i]));
  const ids = Int32Array.from(labels as ArrayLike<string | number>, (v) => index.get(v)!);
  const classes = distinct.map(String);
  return { target: fromHost(ids, [ids.length], "int32"), classes, numClasses: classes.length };
}

function targetTensor(where: string, csv: Csv, j: number, options: LoadCsvOptions): TargetPart {
  const dtype = options.targetDtype;
  if (options.categorical && dtype !== undefined) {
    throw new ValueError(
      `${where}: categorical targets are int32 class indices; drop targetDtype ${JSON.stringify(dtype)}`,
    );
  }
  const name = csv.columns[j];
  let values: Float64Array | undefined;
  let numericError: unknown;
  try {
    values = csvToNumbers(csv, { columns: [name] }).data;
  } catch (err) {
    numericError = err;
  }
  if (values === undefined) {
    if (dtype === "float32") fail(where, numericError);
    const empty = csv.rows.findIndex((row) => row[j].trim() === "");
    if (empty >= 0) {
      throw new ValueError(
        `${where}: ${csvRowName(csv, empty)}, target column ${JSON.stringify(name)} is empty`,
      );
    }
    // class labels: sorted distinct names, each row gets the index of its name
    return classIndices(csv.rows.map((row) => row[j]));
  }
  if (options.categorical) return classIndices(values);
  const ints = values.every(Number.isInteger);
  const chosen = dtype ?? (ints ? "int32" : "float32");
  if (chosen === "int32" && !ints) {
    const r = values.findIndex((v) => !Number.isInteger(v));
    throw new ValueError(
      `${where}: targetDtype int32 needs integer targets, but ${csvRowName(csv, r)} of column ` +
        `${JSON.stringify(name)} is ${JSON.stringify(csv.rows[r][j])}`,
    );
  }
  if (chosen === "int32") {
    // fromHost would wrap 3e9 around to -1294967296
    const r = values.findIndex((v) => v < INT32_MIN || v > INT32_MAX);
    if (r >= 0) {
      throw new ValueError(
        `${where}: ${csvRowName(csv, r)}, target column ${JSON.stringify(name)}: ` +
          `${JSON.stringify(csv.rows[r][j])} is outside the int32 range [${INT32_MIN}, ${INT32_MAX}]` +
          (dtype === undefined ? ` (pass targetDtype: "float32" to keep it as a float)` : ""),
      );
    }
  } else {
    checkFloat32(where, csv, values, [j], "target column");
  }
  const target = fromHost(values, [values.length], chosen);
  if (chosen === "float32") return { target };
  let max = -1;
  for (const v of values) {
    if (v < 0) return { target }; // negative integers: not class indices
    if (v > max) max = v;
  }
  return { target, numClasses: max + 1 };
}

/**
 * Parses CSV text into tensors (pure; works in browsers). See {@link loadCsv}.
 * @example
 * const { features, target, numClasses } = data.csvToTensors("x,y,label\n1,2,0\n3,4,1\n", { target: "label" });
 * features.shape; // [2, 2] float32
 * target.dtype;   // "int32"
 * numClasses;     // 2
 */
export function csvToTensors(text: string, options: LoadCsvTargetOptions): LabeledCsv;
export function csvToTensors(text: string, options?: LoadCsvOptions & { target?: undefined }): CsvFeatures;
export function csvToTensors(text: string, options?: LoadCsvOptions): CsvTensors;
export function csvToTensors(text: string, options: LoadCsvOptions = {}): CsvTensors {
  return toTensors(text, options, "csvToTensors");
}

function toTensors(text: string, options: LoadCsvOptions, where: string): CsvTensors {
  let csv: Csv;
  try {
    csv = parseCsv(text, { header: options.header ?? true, delimiter: options.delimiter ?? "," });
  } catch (err) {
    fail(where, err);
  }
  if (csv.columns.length === 0) throw new ValueError(`${where}: the CSV is empty`);
  const seen = new Map<string, number>();
  csv.columns.forEach((c, j) => {
    const before = seen.get(c);
    if (before !== undefined) {
      throw new ValueError(
        `${where}: column name ${JSON.stringify(c)} appears twice (columns ${before} and ${j})`,
      );
    }
    seen.set(c, j);
  });
  const t = options.target === undefined ? -1 : resolveTarget(where, csv, options.target);
  if (t < 0 && options.categorical) {
    throw new ValueError(`${where}: categorical applies to a target column; name one with target`);
  }
  const columns = csv.columns.filter((_, j) => j !== t);
  let numeric: ReturnType<typeof csvToNumbers>;
  try {
    numeric = csvToNumbers(csv, { columns });
  } catch (err) {
    fail(where, err);
  }
  checkFloat32(
    where,
    csv,
    numeric.data,
    columns.map((c) => csv.columns.indexOf(c)),
  );
  const features = fromHost(numeric.data, [numeric.rows, numeric.cols], "float32");
  if (t < 0) return { features, columns };
  return {
    features,
    columns,
    targetColumn: csv.columns[t],
    ...targetTensor(where, csv, t, options),
  };
}

function isInlineText(source: string): boolean {
  return source.includes("\n") || source.includes("\r");
}

async function readText(path: string | URL): Promise<string> {
  const fs = await import("node:fs/promises");
  try {
    return await fs.readFile(path, "utf8");
  } catch (err) {
    const e = fileError("loadCsv", "read", String(path), err);
    e.message +=
      " (a string without a line break is read as a file path; CSV text needs at least one line break)";
    throw e;
  }
}

/**
 * Loads a CSV file (or CSV text: any string with a line break) into a float32 feature matrix and, when
 * `target` names a column, that column as the target (then the result's type has `target`). Every
 * feature cell must be a number that fits float32, and an integer target must fit int32 (or pass
 * `targetDtype: "float32"`); errors name the file, the row and its line, the column and the cell. A
 * `URL` is read as a file.
 *
 * Classes: class names ("setosa", ...) become int32 indices into the sorted `classes`; integer labels
 * stay as they are, with `numClasses = max + 1` (the size of a classifier's output layer), or become
 * indices into their sorted distinct values with `categorical: true`.
 * @example
 * import { writeFile } from "node:fs/promises";
 * await writeFile("iris.csv", "sepal,petal,species\n5.1,1.4,setosa\n7.0,4.7,versicolor\n6.3,6.0,virginica\n");
 * const { features, target, columns, classes, numClasses } = await data.loadCsv("iris.csv", { target: "species" });
 * features.shape; // [3, 2]
 * target.toArray(); // [0, 1, 2]
 * classes; // ["setosa", "versicolor", "virginica"]
 * numClasses; // 3
 */
export async function loadCsv(source: string | URL, options: LoadCsvTargetOptions): Promise<LabeledCsv>;
export async function loadCsv(
  source: string | URL,
  options?: LoadCsvOptions & { target?: undefined },
): Promise<CsvFeatures>;
export async function loadCsv(source: string | URL, options?: LoadCsvOptions): Promise<CsvTensors>;
export async function loadCsv(source: string | URL, options: LoadCsvOptions = {}): Promise<CsvTensors> {
  if (typeof source === "string" && isInlineText(source)) return toTensors(source, options, "loadCsv");
  const text = await readText(source);
  return toTensors(text, options, `loadCsv: ${String(source)}`);
}

/**
 * A CSV as a `TensorDataset` of `[features, target]` (or `[features]` without a target), ready for a
 * `DataLoader`.
 * @example
 * import { writeFile } from "node:fs/promises";
 * await writeFile("housing.csv", "rooms,area,price\n" + Array.from({ length: 10 }, (_, i) => `${i % 4 + 1},${50 + 10 * i},${100 + 20 * i}`).join("\n"));
 * const ds = await data.csvDataset("housing.csv", { target: "price", targetDtype: "float32" });
 * const [trainSet, testSet] = data.trainTestSplit(ds, { testSize: 0.2, seed: 0 });
 * [trainSet.length, testSet.length]; // [8, 2]
 */
export async function csvDataset(
  source: string | URL,
  options: LoadCsvTargetOptions,
): Promise<TensorDataset<[Tensor, Tensor]>>;
export async function csvDataset(source: string | URL, options?: LoadCsvOptions): Promise<TensorDataset>;
export async function csvDataset(source: string | URL, options: LoadCsvOptions = {}): Promise<TensorDataset> {
  const loaded = await loadCsv(source, options);
  return "target" in loaded
    ? new TensorDataset(loaded.features, loaded.target)
    : new TensorDataset(loaded.features);
}
