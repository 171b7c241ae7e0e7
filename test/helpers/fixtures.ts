import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { DType } from "../../src/base/dtype.js";
import type { Tensor } from "../../src/core/tensor.js";
import { fromHost } from "../../src/ops/creation.js";

/** A tensor as the PyTorch fixture generator writes it. */
export interface FixtureTensor {
  shape: number[];
  data: number[];
  dtype?: string;
}

/** Reads `test/fixtures/<name>.json` (made by scripts/gen_fixtures.py). */
export function loadFixture<T = any>(name: string): { torch_version: string; cases: T[] } {
  const path = fileURLToPath(new URL(`../fixtures/${name}.json`, import.meta.url));
  return JSON.parse(readFileSync(path, "utf8"));
}

/** A fixture tensor on the current backend; float values as `dtype` (float32 unless given). */
export function fixtureTensor(t: FixtureTensor, dtype: DType = "float32"): Tensor {
  const d: DType = t.dtype === "int32" || t.dtype === "int64" ? "int32" : t.dtype === "bool" ? "bool" : dtype;
  return fromHost(t.data, t.shape, d);
}
