import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ValueError } from "../../src/core/errors.js";
import { csvDataset, csvToTensors, loadCsv } from "../../src/data/csv_dataset.js";
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
    expect(features.toArray()).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    expect(target!.dtype).toBe("int32");
    expect(target!.toArray()).toEqual([0, 1, 2]);
  });

  it("chooses float32 for non-integer targets, or what targetDtype says", () => {
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
    expect(target!.toArray()).toEqual([0, 1, 2, 0]);
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
    expect(features.toArray()).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    expect(target!.toArray()).toEqual([0, 1, 1]);
  });

  it("loads everything as features without a target", () => {
    const { features, target } = csvToTensors("a,b\n1,2\n");
    expect(features.shape).toEqual([1, 2]);
    expect(target).toBeUndefined();
  });

  it("names the file, row and column of a bad cell", async () => {
    const path = join(dir, "bad.csv");
    await expect(loadCsv(path)).rejects.toThrow(ValueError);
    await expect(loadCsv(path)).rejects.toThrow(
      `loadCsv: ${path}: row 2, column "b" (index 1): "oops" is not a number`,
    );
  });

  it("reports other problems clearly", async () => {
    await expect(loadCsv(join(dir, "missing.csv"))).rejects.toThrow(/cannot read .*missing\.csv/);
    expect(() => csvToTensors("a,b\n1,2\n", { target: "c" })).toThrow(
      /no target column named "c"; the columns are \["a","b"\]/,
    );
    expect(() => csvToTensors("a,b\n1,2\n", { target: 2 })).toThrow(/index 2 is out of range for 2 column/);
    expect(() => csvToTensors("a,b\n1,2,3\n")).toThrow(/line 2 has 3 field/);
    expect(() => csvToTensors("a,a\n1,2\n")).toThrow(/"a" appears twice/);
    expect(() => csvToTensors("\n")).toThrow(/empty/);
    expect(() => csvToTensors("a,t\n1,x\n2,\n", { target: "t" })).toThrow(
      /row 2, target column "t" is empty/,
    );
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
