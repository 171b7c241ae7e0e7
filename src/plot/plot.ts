/**
 * Line and scatter plots from plain numbers, as SVG text and, in Node, SVG + PNG files. Vega lays the
 * chart out and writes the SVG without a canvas; resvg (wasm) rasterises it with a bundled font, so a
 * PNG looks the same on every machine and nothing native is installed.
 */
import { ArgumentError } from "../base/errors.js";
import { writeAtomic } from "../io/atomic_write.js";
import { loadRasterizer, loadVega } from "./load.js";
import { type LinePlotSpec, type ScatterPlotSpec, linePlotSpec, scatterPlotSpec } from "./spec.js";

/** Pixels of PNG per pixel of SVG: sharp text on high-density screens and in documents. */
const PNG_SCALE = 2;

async function renderSvg(op: string, vegaSpec: object): Promise<string> {
  const vega = await loadVega(op);
  // renderer "none": no canvas and no DOM; toSVG() builds the markup from the scenegraph
  const view = new vega.View(vega.parse(vegaSpec as Parameters<typeof vega.parse>[0]), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/**
 * A PNG of an SVG image (Node): drawn by resvg with the DejaVu Sans font, on white, at twice the SVG's
 * size. The first call starts resvg's wasm and reads the font (a few tens of milliseconds); later calls
 * reuse them. Throws `MissingPackageError` when `@resvg/resvg-wasm` or `dejavu-fonts-ttf` is missing.
 * @example
 * const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="20" height="10"><rect width="20" height="10" fill="red"/></svg>';
 * const png = await plot.svgToPng(svg);
 * Array.from(png.subarray(1, 4)); // [80, 78, 71]: "PNG"
 * new DataView(png.buffer, png.byteOffset).getUint32(16); // 40: the width, twice the SVG's
 */
export async function svgToPng(svg: string): Promise<Uint8Array> {
  if (typeof svg !== "string") {
    throw new ArgumentError(`svgToPng: svg must be a string of SVG markup, got ${typeof svg}`);
  }
  const { Resvg, font } = await loadRasterizer("svgToPng");
  const resvg = new Resvg(svg, {
    background: "white",
    fitTo: { mode: "zoom", value: PNG_SCALE },
    font: { loadSystemFonts: false, fontBuffers: [font], defaultFontFamily: "DejaVu Sans" },
  } as ConstructorParameters<typeof Resvg>[1]);
  try {
    const image = resvg.render();
    try {
      return image.asPng();
    } finally {
      image.free();
    }
  } finally {
    resvg.free();
  }
}

/** Writes `<path>.svg` and `<path>.png` (each atomically); `path` may already end in one of them. */
async function writePlot(op: string, svg: string, path: string): Promise<void> {
  if (typeof path !== "string" || path === "") {
    throw new ArgumentError(
      `${op}: path must be a non-empty string (a file path without extension), got ${typeof path}`,
    );
  }
  const base = path.replace(/\.(svg|png)$/i, "");
  const png = await svgToPng(svg);
  await writeAtomic(`${base}.svg`, svg, { op });
  await writeAtomic(`${base}.png`, png, { op });
}

/**
 * A line plot: one line per series (with dots at the points when series are short), a legend of the
 * series names, labelled axes, either axis linear or log. Returns the SVG text; with `path` (no
 * extension) it also writes `path.svg` and `path.png` (Node). The charting packages (`vega`, and for
 * the PNG `@resvg/resvg-wasm` and `dejavu-fonts-ttf`) are optional dependencies loaded on the first
 * call; without them this throws `plot.MissingPackageError` naming the one to install.
 *
 * Bad input throws before anything is drawn: x and y of different lengths (ShapeError), no series, an
 * empty series, two series with one name, a value that is not finite, or one ≤ 0 on a log axis
 * (ValueError).
 * @example
 * const svg = await plot.linePlot(
 *   {
 *     title: "Test error against data size",
 *     xLabel: "training examples", yLabel: "test error (%)", xScale: "log",
 *     series: [
 *       { name: "softmax", x: [1000, 10000, 60000], y: [13, 8.5, 7.6] },
 *       { name: "CNN", x: [1000, 10000, 60000], y: [7, 2, 1] },
 *     ],
 *   },
 *   "out/scaling", // writes out/scaling.svg and out/scaling.png
 * );
 * svg.includes("training examples"); // true
 * await plot.linePlot({ xLabel: "x", yLabel: "y", xScale: "log", series: [{ name: "a", x: [0, 1], y: [1, 2] }] }); // throws ValueError
 */
export async function linePlot(spec: LinePlotSpec, path?: string): Promise<string> {
  const svg = await renderSvg("linePlot", linePlotSpec(spec, "linePlot"));
  if (path !== undefined) await writePlot("linePlot", svg, path);
  return svg;
}

/**
 * A scatter plot: one dot per point, coloured by its `group`, with a legend of the groups and labelled
 * axes. Returns the SVG text; with `path` (no extension) it also writes `path.svg` and `path.png` (Node).
 * Loads the charting packages as {@link linePlot} does. Throws ValueError for no points or a value that
 * is not finite.
 * @example
 * const points = [
 *   { x: 0.1, y: 0.2, group: "zero" }, { x: 0.3, y: 0.1, group: "zero" },
 *   { x: 2.1, y: 1.9, group: "one" }, { x: 1.8, y: 2.2, group: "one" },
 * ];
 * const svg = await plot.scatterPlot({ title: "Codes", xLabel: "z₁", yLabel: "z₂", points }, "out/codes");
 * svg.includes("one"); // true
 * await plot.scatterPlot({ xLabel: "x", yLabel: "y", points: [{ x: NaN, y: 0, group: "a" }] }); // throws ValueError
 */
export async function scatterPlot(spec: ScatterPlotSpec, path?: string): Promise<string> {
  const svg = await renderSvg("scatterPlot", scatterPlotSpec(spec, "scatterPlot"));
  if (path !== undefined) await writePlot("scatterPlot", svg, path);
  return svg;
}
