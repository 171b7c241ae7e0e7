import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ArgumentError, ShapeError, StrataError, ValueError } from "../../src/base/errors.js";
import { MissingPackageError } from "../../src/plot/load.js";
import { linePlot, scatterPlot, svgToPng } from "../../src/plot/plot.js";
import { linePlotSpec } from "../../src/plot/spec.js";

const dir = mkdtempSync(join(tmpdir(), "strata-plot-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Width and height from the IHDR chunk, which a PNG must start with after its signature. */
function pngSize(png: Uint8Array): { width: number; height: number } {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  expect(String.fromCharCode(...png.subarray(12, 16))).toBe("IHDR");
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

function svgSize(svg: string): { width: number; height: number } {
  const m = /<svg[^>]*\swidth="(\d+(?:\.\d+)?)"[^>]*\sheight="(\d+(?:\.\d+)?)"/.exec(svg);
  expect(m).not.toBeNull();
  return { width: Number(m?.[1]), height: Number(m?.[2]) };
}

/** The drawn lines: each series is one `<path>` inside a line-mark group. */
function linePaths(svg: string): string[] {
  return [...svg.matchAll(/<g class="mark-line role-mark"[^>]*>(<path [^>]*>)<\/g>/g)].map((m) => m[1]);
}

/** The text of every `<text>` element, entities decoded. */
function texts(svg: string): string[] {
  return [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) =>
    m[1]
      .replace(/&lt;/g, "<")
      .replace(/&gt;/g, ">")
      .replace(/&quot;/g, '"')
      .replace(/&amp;/g, "&"),
  );
}

const SIZES = [1000, 2000, 5000, 10000, 20000, 60000];
const SCALING = {
  title: "Test error against training-set size",
  xLabel: "training-set size",
  yLabel: "test error (%)",
  xScale: "log" as const,
  series: [
    { name: "softmax regression", x: SIZES, y: [13, 11, 9.4, 8.6, 8.1, 7.6] },
    { name: "MLP 784-100-10", x: SIZES, y: [11, 8.5, 6.1, 4.6, 3.5, 2.4] },
    { name: "CNN <LeNet>", x: SIZES, y: [7, 4.5, 2.6, 1.8, 1.3, 0.9] },
  ],
};

describe("linePlot", () => {
  it("draws one line per series with axis titles, a title and a legend of the names", async () => {
    const svg = await linePlot(SCALING);
    expect(svg.startsWith("<svg")).toBe(true);
    const words = texts(svg);
    for (const t of [
      "training-set size",
      "test error (%)",
      SCALING.title,
      ...SCALING.series.map((s) => s.name),
    ]) {
      expect(words).toContain(t);
    }
    const paths = linePaths(svg);
    expect(paths).toHaveLength(3);
    // each line has one segment per pair of neighbouring points, in its own colour
    for (const p of paths) expect(p.match(/L/g)).toHaveLength(SIZES.length - 1);
    expect(new Set(paths.map((p) => /stroke="([^"]+)"/.exec(p)?.[1])).size).toBe(3);
  });

  it("places points on a log x axis: equal ratios, equal distances", async () => {
    const svg = await linePlot({
      xLabel: "n",
      yLabel: "v",
      xScale: "log",
      series: [{ name: "a", x: [1, 10, 100], y: [1, 1, 1] }],
    });
    const xs = [...(linePaths(svg)[0].match(/[ML](-?[\d.]+),/g) ?? [])].map((s) => Number(s.slice(1, -1)));
    expect(xs).toHaveLength(3);
    expect(xs[2] - xs[1]).toBeCloseTo(xs[1] - xs[0], 1);
    // on a linear axis the same data would put 10 near the left end
    const lin = await linePlot({
      xLabel: "n",
      yLabel: "v",
      series: [{ name: "a", x: [1, 10, 100], y: [1, 1, 1] }],
    });
    const ls = [...(linePaths(lin)[0].match(/[ML](-?[\d.]+),/g) ?? [])].map((s) => Number(s.slice(1, -1)));
    expect(ls[1] - ls[0]).toBeLessThan((ls[2] - ls[1]) / 5);
  });

  it("accepts a log y axis and labels its ticks as plain numbers", async () => {
    const y = [2, 1, 0.5, 0.2, 0.1];
    const svg = await linePlot({
      xLabel: "step",
      yLabel: "loss",
      yScale: "log",
      series: [{ name: "train", x: [1, 2, 3, 4, 5], y }],
    });
    expect(linePaths(svg)).toHaveLength(1);
    expect(texts(svg)).toContain("0.1");
  });

  it("writes path.svg and path.png: the PNG at twice the SVG's size", async () => {
    const base = join(dir, "sub", "scaling");
    const svg = await linePlot(SCALING, base);
    expect(readFileSync(`${base}.svg`, "utf8")).toBe(svg);
    const png = new Uint8Array(readFileSync(`${base}.png`));
    expect(Array.from(png.subarray(0, 8))).toEqual(PNG_SIGNATURE);
    const { width, height } = svgSize(svg);
    // the data rectangle is 520 × 320; axes, titles and the legend come around it
    expect(width).toBeGreaterThan(600);
    expect(height).toBeGreaterThan(380);
    expect(pngSize(png)).toEqual({ width: 2 * width, height: 2 * height });
    // nothing else (no temporary files) is left beside them
    expect(readdirSync(join(dir, "sub")).sort()).toEqual(["scaling.png", "scaling.svg"]);
  });

  it("keeps the chart title inside the picture when an axis title is long", async () => {
    const svg = await linePlot({
      title: "A title",
      xLabel: "x",
      yLabel: "a rather long axis title that runs past the height of the plot",
      series: [{ name: "a", x: [1, 2], y: [1, 2] }],
    });
    // the root group's translation plus the title group's offset plus the text's baseline
    const root = /<g fill="none"[^>]*transform="translate\(([-\d.]+),([-\d.]+)\)"/.exec(svg);
    const title = /<g class="mark-group role-title"><g transform="translate\(([-\d.]+),([-\d.]+)\)"/.exec(
      svg,
    );
    const text =
      /role-title-text[^>]*><text[^>]*transform="translate\(([-\d.]+),([-\d.]+)\)"[^>]*font-size="(\d+)px"/.exec(
        svg,
      );
    expect(root && title && text).toBeTruthy();
    const baseline = Number(root?.[2]) + Number(title?.[2]) + Number(text?.[2]);
    expect(baseline - Number(text?.[3])).toBeGreaterThanOrEqual(0);
  });

  it("takes a path that already ends in .png or .svg as the same base", async () => {
    await linePlot(
      { xLabel: "x", yLabel: "y", series: [{ name: "a", x: [0, 1], y: [0, 1] }] },
      join(dir, "ext.png"),
    );
    expect(
      readdirSync(dir)
        .filter((f) => f.startsWith("ext"))
        .sort(),
    ).toEqual(["ext.png", "ext.svg"]);
  });

  it("refuses bad input with errors that name the series and the problem", async () => {
    const ok = { xLabel: "x", yLabel: "y" };
    await expect(linePlot({ ...ok, series: [{ name: "a", x: [1, 2, 3], y: [1, 2] }] })).rejects.toThrow(
      new ShapeError('linePlot: series "a" has 3 x values and 2 y values; they must pair up one to one'),
    );
    await expect(linePlot({ ...ok, series: [] })).rejects.toThrow(ValueError);
    await expect(linePlot({ ...ok, series: [] })).rejects.toThrow(/series is empty/);
    await expect(linePlot({ ...ok, series: [{ name: "a", x: [], y: [] }] })).rejects.toThrow(
      /linePlot: series "a" has no points/,
    );
    await expect(
      linePlot({ ...ok, xScale: "log", series: [{ name: "err", x: [1000, 0], y: [1, 2] }] }),
    ).rejects.toThrow(
      new ValueError(
        'linePlot: series "err" x[1] is 0, but the x axis is on a log scale, which needs values > 0',
      ),
    );
    await expect(
      linePlot({ ...ok, yScale: "log", series: [{ name: "a", x: [1, 2], y: [1, -2] }] }),
    ).rejects.toThrow(/y\[1\] is -2.*log scale/);
    await expect(linePlot({ ...ok, series: [{ name: "a", x: [1, 2], y: [1, Number.NaN] }] })).rejects.toThrow(
      /series "a" y\[1\] is number NaN; every value must be a finite number/,
    );
    await expect(
      linePlot({
        ...ok,
        series: [
          { name: "a", x: [1], y: [1] },
          { name: "a", x: [2], y: [2] },
        ],
      }),
    ).rejects.toThrow(/two series are named "a"/);
    await expect(
      linePlot({ ...ok, xScale: "logarithmic" as "log", series: [{ name: "a", x: [1], y: [1] }] }),
    ).rejects.toThrow(ArgumentError);
    await expect(
      linePlot({ ...ok, series: [{ name: "a", x: "1,2" as unknown as number[], y: [1, 2] }] }),
    ).rejects.toThrow(/x must be an array of numbers, got the string "1,2"/);
    await expect(linePlot({ ...ok, series: [{ name: "a", x: [1], y: [1] }] }, "")).rejects.toThrow(
      ArgumentError,
    );
  });

  it("checks the input before loading anything, so the spec builder alone throws the same errors", () => {
    expect(() =>
      linePlotSpec({ xLabel: "x", yLabel: "y", series: [{ name: "a", x: [1, 2], y: [1] }] }),
    ).toThrow(ShapeError);
  });

  it("accepts typed arrays of numbers", async () => {
    const svg = await linePlot({
      xLabel: "x",
      yLabel: "y",
      series: [
        {
          name: "f32",
          x: Array.from(new Float32Array([1, 2, 3])),
          y: new Float32Array([3, 1, 2]) as unknown as number[],
        },
      ],
    });
    expect(linePaths(svg)).toHaveLength(1);
  });
});

describe("scatterPlot", () => {
  it("draws every point coloured by group, with a legend and axis titles, and writes both files", async () => {
    const points = Array.from({ length: 30 }, (_, i) => ({
      x: i % 7,
      y: (i * 3) % 5,
      group: `digit ${i % 3}`,
    }));
    const base = join(dir, "codes");
    const svg = await scatterPlot({ title: "Codes", xLabel: "z1", yLabel: "z2", points }, base);
    const words = texts(svg);
    for (const t of ["Codes", "z1", "z2", "digit 0", "digit 1", "digit 2"]) expect(words).toContain(t);
    const dots = /<g class="mark-symbol role-mark"[^>]*>(.*?)<\/g>/.exec(svg)?.[1] ?? "";
    expect(dots.match(/<path /g)).toHaveLength(30);
    const png = new Uint8Array(readFileSync(`${base}.png`));
    expect(Array.from(png.subarray(0, 8))).toEqual(PNG_SIGNATURE);
    const { width, height } = svgSize(svg);
    expect(pngSize(png)).toEqual({ width: 2 * width, height: 2 * height });
  });

  it("refuses no points, non-finite values and a missing group", async () => {
    const ok = { xLabel: "x", yLabel: "y" };
    await expect(scatterPlot({ ...ok, points: [] })).rejects.toThrow(/scatterPlot: points is empty/);
    await expect(
      scatterPlot({ ...ok, points: [{ x: 0, y: Number.POSITIVE_INFINITY, group: "a" }] }),
    ).rejects.toThrow(
      new ValueError("scatterPlot: points[0].y is number Infinity; every value must be a finite number"),
    );
    await expect(
      scatterPlot({ ...ok, points: [{ x: 0, y: 0 } as { x: number; y: number; group: string }] }),
    ).rejects.toThrow(/points\[0\].group must be a string/);
  });
});

describe("svgToPng", () => {
  it("draws text with the bundled font: a label makes dark pixels where a blank image has none", async () => {
    const blank = '<svg xmlns="http://www.w3.org/2000/svg" width="60" height="20"></svg>';
    const label =
      '<svg xmlns="http://www.w3.org/2000/svg" width="60" height="20"><text x="2" y="15" font-family="DejaVu Sans" font-size="14">Hello</text></svg>';
    const a = await svgToPng(blank);
    const b = await svgToPng(label);
    expect(pngSize(a)).toEqual({ width: 120, height: 40 });
    // a white PNG compresses to almost nothing; text adds many distinct rows
    expect(b.length).toBeGreaterThan(a.length + 100);
  });

  it("refuses a non-string", async () => {
    await expect(svgToPng(42 as unknown as string)).rejects.toThrow(ArgumentError);
  });
});

describe("MissingPackageError", () => {
  it("names the package to install and is a StrataError", () => {
    const e = new MissingPackageError("linePlot", "vega", "to lay out the chart");
    expect(e).toBeInstanceOf(StrataError);
    expect(e.packageName).toBe("vega");
    expect(e.message).toMatch(/npm install vega$/);
  });
});
