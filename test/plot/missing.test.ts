import { describe, expect, it, vi } from "vitest";
import { MissingPackageError } from "../../src/plot/load.js";
import { linePlot } from "../../src/plot/plot.js";

// as if `npm install` had skipped the optional dependency (it does when the engine does not match)
vi.mock("vega", () => {
  throw Object.assign(new Error("Cannot find package 'vega' imported from plot/load.js"), {
    code: "ERR_MODULE_NOT_FOUND",
  });
});

describe("plots without the optional charting packages", () => {
  it("throws MissingPackageError naming the package to install", async () => {
    const spec = { xLabel: "x", yLabel: "y", series: [{ name: "a", x: [1, 2], y: [1, 2] }] };
    const err = await linePlot(spec).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MissingPackageError);
    expect((err as MissingPackageError).packageName).toBe("vega");
    expect((err as Error).message).toBe(
      "linePlot: the optional package vega is not installed (needed to lay out the chart); install it with: npm install vega",
    );
  });
});
