/**
 * Plots from plain numbers: line plots (training curves, error against data size) and scatter plots
 * (codes coloured by label), as SVG text and, in Node, `.svg` + `.png` files. Drawn by Vega and resvg,
 * optional dependencies loaded on the first plot.
 * @example
 * import { plot } from "strata-dl";
 * const loss = [0.9, 0.6, 0.45, 0.4];
 * await plot.linePlot(
 *   { xLabel: "epoch", yLabel: "loss", series: [{ name: "train", x: [1, 2, 3, 4], y: loss }] },
 *   "runs/loss", // runs/loss.svg and runs/loss.png
 * );
 */
export type { AxisScale, Series, LinePlotSpec, ScatterPoint, ScatterPlotSpec } from "./spec.js";
export { linePlot, scatterPlot, svgToPng } from "./plot.js";
export { MissingPackageError } from "./load.js";
