import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ValueError } from "../../src/base/errors.js";
import type { Tensor } from "../../src/core/tensor.js";
import { type LoadCsvOptions, csvDataset, csvToTensors, loadCsv } from "../../src/data/csv_dataset.js";
import { DataLoader } from "../../src/data/dataloader.js";

const IRIS = `sepal_length,sepal_width,species
5.1,3.5,setosa
7.0,3.2,versicolor
6.3,3.3,virginica
4.9,3.0,setosa
`;

let dir = "";
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "strata-csv-"));
  await writeFile(join(dir, "iris.csv"), IRIS);
  await writeFile(join(dir, "bad.csv"), "a,b\n1,2\n3,oops\n");
  await writeFile(join(dir, "semi.csv"), "1;2;0\n3;4;1\n5;6;1\n");
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("loadCsv", () => {
  it("loads features and a numeric target from text", async () => {
    const { features, target, columns, targetColumn } = await loadCsv("x,y,label\n1,2,0\n3,4,1\n5,6,2\n", {
      target: "label",
    });
    expect(columns).toEqual(["x", "y"]);
    expect(targetColumn).toBe("label");
    expect(features.dtype).toBe("float32");
    expect(await features.array()).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    expect(target!.dtype).toBe("int32");
    expect(await target!.array()).toEqual([0, 1, 2]);
  });

  it("chooses float32 for non-integer targets, or what targetDtype says", async () => {
    const text = "a,t\n1,0.5\n2,1.5\n";
    expect(csvToTensors(text, { target: "t" }).target!.dtype).toBe("float32");
    expect(csvToTensors("a,t\n1,0\n2,1\n", { target: 1, targetDtype: "float32" }).target!.dtype).toBe(
      "float32",
    );
    expect(() => csvToTensors(text, { target: "t", targetDtype: "int32" })).toThrow(/row 1 .*"0.5"/);
  });

  it("maps class names to indices", async () => {
    const { features, target, classes, columns } = await loadCsv(join(dir, "iris.csv"), {
      target: "species",
    });
    expect(features.shape).toEqual([4, 2]);
    expect(columns).toEqual(["sepal_length", "sepal_width"]);
    expect(classes).toEqual(["setosa", "versicolor", "virginica"]);
    expect(await target!.array()).toEqual([0, 1, 2, 0]);
    expect(() => csvToTensors(IRIS, { target: "species", targetDtype: "float32" })).toThrow(
      /"setosa" is not a number/,
    );
  });

  it("reads files without a header, with another delimiter and a negative target index", async () => {
    const { features, target, columns } = await loadCsv(pathToFileURL(join(dir, "semi.csv")), {
      header: false,
      delimiter: ";",
      target: -1,
    });
    expect(columns).toEqual(["0", "1"]);
    expect(await features.array()).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    expect(await target!.array()).toEqual([0, 1, 1]);
  });

  it("loads everything as features without a target", async () => {
    const loaded = csvToTensors("a,b\n1,2\n");
    expect(loaded.features.shape).toEqual([1, 2]);
    expect(Object.keys(loaded).sort()).toEqual(["columns", "features"]);
  });

  it("names the file, row and column of a bad cell", async () => {
    const path = join(dir, "bad.csv");
    await expect(loadCsv(path)).rejects.toThrow(ValueError);
    await expect(loadCsv(path)).rejects.toThrow(
      `loadCsv: ${path}: row 2 (line 3), column "b" (index 1): "oops" is not a number`,
    );
  });

  it("rejects an integer target outside int32, naming the file, row, line, column and value", async () => {
    const path = join(dir, "big.csv");
    await writeFile(path, "x,y\n1,2\n2,3000000000\n3,-5\n");
    const err = await loadCsv(path, { target: "y" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValueError);
    expect((err as Error).message).toBe(
      `loadCsv: ${path}: row 2 (line 3), target column "y": "3000000000" is outside the int32 range ` +
        '[-2147483648, 2147483647] (pass targetDtype: "float32" to keep it as a float)',
    );
    expect(() => csvToTensors("x,y\n1,-3e9\n", { target: "y", targetDtype: "int32" })).toThrow(
      'csvToTensors: row 1 (line 2), target column "y": "-3e9" is outside the int32 range [-2147483648, 2147483647]',
    );
    const { target } = await loadCsv(path, { target: "y", targetDtype: "float32" });
    expect(await target!.array()).toEqual([2, 3e9, -5]);
  });

  it("rejects a feature that would overflow to Infinity, naming the file, row, line, column and value", async () => {
    const path = join(dir, "huge.csv");
    await writeFile(path, "a,b\n1,2\n1e400,3\n");
    await expect(loadCsv(path)).rejects.toThrow(
      new ValueError(
        `loadCsv: ${path}: row 2 (line 3), column "a" (index 0): "1e400" is too large (it would become Infinity)`,
      ),
    );
    // beyond float32 (the features' dtype) but not float64
    expect(() => csvToTensors("a,b\n1,-1e39\n")).toThrow(
      new ValueError(
        'csvToTensors: row 1 (line 2), column "b": "-1e39" is too large for float32 (it would become Infinity)',
      ),
    );
    expect(() => csvToTensors("a,t\n1,1e39\n", { target: "t", targetDtype: "float32" })).toThrow(
      /row 1 \(line 2\), target column "t": "1e39" is too large for float32/,
    );
    // written infinities are still read as such
    expect(await csvToTensors("a\ninf\n-Infinity\n").features.array()).toEqual([[Infinity], [-Infinity]]);
  });

  it("reports other problems clearly", async () => {
    await expect(loadCsv(join(dir, "missing.csv"))).rejects.toThrow(
      new RegExp(
        `^loadCsv: cannot read ${join(dir, "missing.csv")}: no such file \\(ENOENT\\) \\(a string without`,
      ),
    );
    expect(() => csvToTensors("a,b\n1,2\n", { target: "c" })).toThrow(
      /no target column named "c"; the columns are \["a","b"\]/,
    );
    expect(() => csvToTensors("a,b\n1,2\n", { target: 2 })).toThrow(/index 2 is out of range for 2 column/);
    expect(() => csvToTensors("a,b\n1,2,3\n")).toThrow(/line 2 has 3 field/);
    expect(() => csvToTensors("a,a\n1,2\n")).toThrow(/"a" appears twice/);
    expect(() => csvToTensors("\n")).toThrow(/empty/);
    expect(() => csvToTensors("a,t\n1,x\n2,\n", { target: "t" })).toThrow(
      /row 2 \(line 3\), target column "t" is empty/,
    );
  });
});

describe("classes and types", () => {
  it("gives the class count of integer labels as max + 1, and none for floats or negatives", async () => {
    expect(csvToTensors("x,y\n1,0\n2,2\n3,1\n", { target: "y" }).numClasses).toBe(3);
    // labels used as they are: 1..3 index a 4-way output, class 0 unused
    expect(csvToTensors("x,y\n1,1\n2,3\n", { target: "y" }).numClasses).toBe(4);
    expect(csvToTensors("x,y\n1,0.5\n2,1\n", { target: "y" }).numClasses).toBeUndefined();
    expect(
      csvToTensors("x,y\n1,0\n2,1\n", { target: "y", targetDtype: "float32" }).numClasses,
    ).toBeUndefined();
    expect(csvToTensors("x,y\n1,-1\n2,1\n", { target: "y" }).numClasses).toBeUndefined();
    expect(csvToTensors(IRIS, { target: "species" }).numClasses).toBe(3);
  });

  it("maps numeric labels to 0..k-1 in numeric order with categorical", async () => {
    const { target, classes, numClasses } = csvToTensors("x,y\n1,10\n2,2\n3,10\n4,-1.5\n", {
      target: "y",
      categorical: true,
    });
    expect(classes).toEqual(["-1.5", "2", "10"]);
    expect(numClasses).toBe(3);
    expect(target.dtype).toBe("int32");
    expect(await target.array()).toEqual([2, 1, 2, 0]);
    expect(csvToTensors(IRIS, { target: "species", categorical: true }).classes).toEqual([
      "setosa",
      "versicolor",
      "virginica",
    ]);
    expect(() =>
      csvToTensors("x,y\n1,0\n", { target: "y", categorical: true, targetDtype: "int32" }),
    ).toThrow(/categorical targets are int32 class indices; drop targetDtype "int32"/);
    expect(() => csvToTensors("x,y\n1,0\n", { categorical: true })).toThrow(
      /categorical applies to a target column; name one with target/,
    );
  });

  it("types a target as present when one is asked for, and absent when not", async () => {
    const labeled = await loadCsv(join(dir, "iris.csv"), { target: "species" });
    const target: Tensor = labeled.target; // no `!` needed: a compile error if the type were optional
    expect(target.shape).toEqual([4]);
    const plain = csvToTensors("a,b\n1,2\n");
    // @ts-expect-error: no target field without a target column (tsc fails if this compiles)
    expect(plain.target).toBeUndefined();
    const options: LoadCsvOptions = { target: "b" }; // typed as options that may or may not name one
    const either = csvToTensors("a,b\n1,2\n", options);
    expect("target" in either && either.target.shape).toEqual([1]);
  });
});

describe("csvDataset", () => {
  it("makes a TensorDataset for a DataLoader", async () => {
    const ds = await csvDataset(join(dir, "iris.csv"), { target: "species" });
    expect(ds.length).toBe(4);
    const batches = [...new DataLoader(ds, { batchSize: 3 })];
    expect(batches.map(([x, y]) => [x.shape, y.shape])).toEqual([
      [[3, 2], [3]],
      [[1, 2], [1]],
    ]);
    expect((await csvDataset(IRIS.replace(/,[a-z]+\n/g, "\n").replace(",species", ""))).tensors.length).toBe(
      1,
    );
  });
});
