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
}

/**
 * Tensors made from a CSV.
 * @example
 * const { features, target, columns, classes }: CsvTensors = await loadCsv("iris.csv", { target: "species" });
 */
export interface CsvTensors {
  /** Feature columns as float32 `[rows, columns.length]`. */
  features: Tensor;
  /** The target column as `[rows]` (when `target` was given). */
  target?: Tensor;
  /** The names of the feature columns, in the order of `features`' columns. */
  columns: string[];
  /** The name of the target column (when `target` was given). */
  targetColumn?: string;
  /** For a non-numeric target: the class names, sorted; the target holds indices into this list. */
  classes?: string[];
}

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

function targetTensor(
  where: string,
  csv: Csv,
  j: number,
  dtype: "int32" | "float32" | undefined,
): { target: Tensor; classes?: string[] } {
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
    const labels = csv.rows.map((row) => row[j]);
    const classes = [...new Set(labels)].sort();
    const index = new Map(classes.map((c, i) => [c, i]));
    const ids = Int32Array.from(labels, (l) => index.get(l)!);
    return { target: fromHost(ids, [ids.length], "int32"), classes };
  }
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
  return { target: fromHost(values, [values.length], chosen) };
}

/**
 * Parses CSV text into tensors (pure; works in browsers). See {@link loadCsv}.
 * @example
 * const { features, target } = csvToTensors("x,y,label\n1,2,0\n3,4,1\n", { target: "label" });
 * features.shape; // [2, 2] float32
 * target!.dtype;  // "int32"
 */
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
    ...targetTensor(where, csv, t, options.targetDtype),
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
 * Loads a CSV file (or CSV text: any string with a line break) into a float32 feature matrix and an
 * optional target column. Every feature cell must be a number that fits float32, and an integer target
 * must fit int32 (or pass `targetDtype: "float32"`); errors name the file, the row and its line, the
 * column and the cell. A `URL` is read as a file.
 * @example
 * const { features, target, columns, classes } = await loadCsv("data/iris.csv", { target: "species" });
 * // features: [150, 4] float32, target: [150] int32, classes: ["setosa", "versicolor", "virginica"]
 */
export async function loadCsv(source: string | URL, options: LoadCsvOptions = {}): Promise<CsvTensors> {
  if (typeof source === "string" && isInlineText(source)) return toTensors(source, options, "loadCsv");
  const text = await readText(source);
  return toTensors(text, options, `loadCsv: ${String(source)}`);
}

/**
 * A CSV as a `TensorDataset` of `[features, target]` (or `[features]` without a target), ready for a
 * `DataLoader`.
 * @example
 * const ds = await csvDataset("data/housing.csv", { target: "price", targetDtype: "float32" });
 * const [trainSet, testSet] = randomSplit(ds, [0.8, 0.2]);
 */
export async function csvDataset(
  source: string | URL,
  options: LoadCsvOptions & { target: string | number },
): Promise<TensorDataset<[Tensor, Tensor]>>;
export async function csvDataset(source: string | URL, options?: LoadCsvOptions): Promise<TensorDataset>;
export async function csvDataset(source: string | URL, options: LoadCsvOptions = {}): Promise<TensorDataset> {
  const { features, target } = await loadCsv(source, options);
  return target ? new TensorDataset(features, target) : new TensorDataset(features);
}
