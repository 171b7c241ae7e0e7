/**
 * What a plot shows, checked, and turned into a Vega specification. Vega (not Vega-Lite) is written
 * directly: two fixed chart kinds need no shorthand compiler, and vega-lite 6.5 requires Node 22 where
 * Strata supports Node 20. Pure data, no imports of the charting packages.
 */
import { ArgumentError, ShapeError, ValueError } from "../base/errors.js";

/**
 * A scale of an axis: `"log"` for quantities spread over decades (data sizes, learning rates).
 * @example
 * const xScale: AxisScale = "log";
 * await plot.linePlot({ xLabel: "lr", yLabel: "loss", xScale, series: [{ name: "a", x: [1e-4, 1e-2], y: [2, 1] }] });
 */
export type AxisScale = "linear" | "log";

/**
 * One line of a {@link LinePlotSpec}: the points `(x[i], y[i])` joined in order.
 * @example
 * const s: Series = { name: "train loss", x: [1, 2, 3], y: [0.9, 0.5, 0.4] };
 */
export interface Series {
  name: string;
  x: readonly number[];
  y: readonly number[];
}

/**
 * What {@link linePlot} draws: one line per series, a legend of their names, labelled axes.
 * @example
 * const spec: LinePlotSpec = {
 *   xLabel: "epoch", yLabel: "loss",
 *   series: [{ name: "train", x: [1, 2, 3], y: [0.9, 0.5, 0.4] }],
 * };
 * (await plot.linePlot(spec)).startsWith("<svg"); // true
 */
export interface LinePlotSpec {
  title?: string;
  xLabel: string;
  yLabel: string;
  xScale?: AxisScale;
  yScale?: AxisScale;
  series: readonly Series[];
}

/**
 * One point of a {@link ScatterPlotSpec}; points of one `group` share a colour and a legend entry.
 * @example
 * const p: ScatterPoint = { x: 0.5, y: -1.2, group: "digit 3" };
 */
export interface ScatterPoint {
  x: number;
  y: number;
  group: string;
}

/**
 * What {@link scatterPlot} draws: one dot per point, coloured by group, with a legend.
 * @example
 * const spec: ScatterPlotSpec = { xLabel: "z1", yLabel: "z2", points: [{ x: 0, y: 1, group: "a" }] };
 * (await plot.scatterPlot(spec)).includes("z2"); // true
 */
export interface ScatterPlotSpec {
  title?: string;
  xLabel: string;
  yLabel: string;
  points: readonly ScatterPoint[];
}

/**
 * The size of the data rectangle in CSS pixels; axes, titles and legend are added around it, so the
 * picture is somewhat larger (the PNG has twice as many pixels per side). Not a fixed outer size:
 * without a canvas, Vega can only estimate text widths (generously), and a fitted layout then let a long
 * axis title push the chart title out of the picture.
 */
const PLOT_WIDTH = 520;
const PLOT_HEIGHT = 320;
/** The font Vega lays the text out with and resvg draws it with (browsers fall back to sans-serif). */
const FONT = "DejaVu Sans, Verdana, sans-serif";

function describeKind(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  if (ArrayBuffer.isView(v)) return `a ${v.constructor.name}`;
  return typeof v === "string" ? `the string "${v}"` : `${typeof v} ${String(v)}`;
}

function checkLabel(op: string, name: string, v: unknown, optional: boolean): void {
  if (optional && v === undefined) return;
  if (typeof v !== "string") {
    throw new ArgumentError(`${op}: ${name} must be a string, got ${describeKind(v)}`);
  }
}

function checkScale(op: string, name: string, v: unknown): AxisScale {
  if (v === undefined) return "linear";
  if (v !== "linear" && v !== "log") {
    throw new ArgumentError(`${op}: ${name} must be "linear" or "log", got ${describeKind(v)}`);
  }
  return v;
}

function checkNumbers(op: string, what: string, values: unknown): readonly number[] {
  if (!Array.isArray(values) && !(ArrayBuffer.isView(values) && !(values instanceof DataView))) {
    throw new ArgumentError(`${op}: ${what} must be an array of numbers, got ${describeKind(values)}`);
  }
  const arr = values as ArrayLike<unknown>;
  for (let i = 0; i < arr.length; i++) {
    const v = arr[i];
    if (typeof v !== "number" || !Number.isFinite(v)) {
      throw new ValueError(`${op}: ${what}[${i}] is ${describeKind(v)}; every value must be a finite number`);
    }
  }
  return Array.from(arr as ArrayLike<number>);
}

function checkPositive(op: string, what: string, values: readonly number[], axis: string): void {
  const i = values.findIndex((v) => v <= 0);
  if (i >= 0) {
    throw new ValueError(
      `${op}: ${what}[${i}] is ${values[i]}, but the ${axis} axis is on a log scale, which needs values > 0`,
    );
  }
}

function axis(orient: "bottom" | "left", scale: "x" | "y", title: string, kind: AxisScale) {
  return {
    orient,
    scale,
    title,
    grid: true,
    // a log axis gets a tick at each 1..9 of every decade; plain numbers, and the labels that would
    // overlap dropped, read better than SI prefixes ("100m" for 0.1)
    ...(kind === "log" ? { format: "~g", labelOverlap: "greedy" } : { labelOverlap: true }),
    labelFontSize: 11,
    titleFontSize: 13,
  };
}

function scale(name: "x" | "y", kind: AxisScale, field: string) {
  return {
    name,
    type: kind,
    domain: { data: "table", field },
    range: name === "x" ? "width" : "height",
    zero: false,
    // a log scale rounded to whole decades can waste most of the axis; a few pixels of margin instead
    ...(kind === "log" ? { nice: false, padding: 10 } : { nice: true }),
  };
}

function frame(title: string | undefined) {
  return {
    $schema: "https://vega.github.io/schema/vega/v6.json",
    width: PLOT_WIDTH,
    height: PLOT_HEIGHT,
    autosize: { type: "pad" },
    padding: 12,
    background: "white",
    ...(title === undefined || title === "" ? {} : { title: { text: title, fontSize: 15 } }),
    config: {
      title: { font: FONT },
      axis: { labelFont: FONT, titleFont: FONT, labelColor: "#333", titleColor: "#222" },
      legend: { labelFont: FONT, titleFont: FONT, labelFontSize: 12, labelLimit: 240 },
      text: { font: FONT },
    },
  };
}

function legend() {
  return { stroke: "color", fill: "color", orient: "right", symbolStrokeWidth: 2 };
}

/** Ten distinguishable colours (Tableau 10); more groups than that repeat them. */
const COLORS = "tableau10";

/**
 * The Vega specification of a line plot, after checking `spec` (throws on bad input, naming the series
 * and index).
 * @example
 * const v = linePlotSpec({ xLabel: "n", yLabel: "err", xScale: "log", series: [{ name: "a", x: [1, 10], y: [3, 2] }] });
 * v.scales[0].type; // "log"
 * linePlotSpec({ xLabel: "n", yLabel: "err", series: [{ name: "a", x: [1, 2], y: [3] }] }); // throws ShapeError
 */
export function linePlotSpec(spec: LinePlotSpec, op = "linePlot") {
  if (spec === null || typeof spec !== "object") {
    throw new ArgumentError(
      `${op}: spec must be an object { xLabel, yLabel, series }, got ${describeKind(spec)}`,
    );
  }
  checkLabel(op, "title", spec.title, true);
  checkLabel(op, "xLabel", spec.xLabel, false);
  checkLabel(op, "yLabel", spec.yLabel, false);
  const xScale = checkScale(op, "xScale", spec.xScale);
  const yScale = checkScale(op, "yScale", spec.yScale);
  if (!Array.isArray(spec.series)) {
    throw new ArgumentError(
      `${op}: series must be an array of { name, x, y }, got ${describeKind(spec.series)}`,
    );
  }
  if (spec.series.length === 0) {
    throw new ValueError(`${op}: series is empty; give at least one { name, x, y } to draw`);
  }
  const names = new Set<string>();
  const rows: { s: string; x: number; y: number }[] = [];
  let longest = 0;
  spec.series.forEach((s, k) => {
    if (s === null || typeof s !== "object") {
      throw new ArgumentError(`${op}: series[${k}] must be an object { name, x, y }, got ${describeKind(s)}`);
    }
    checkLabel(op, `series[${k}].name`, s.name, false);
    if (names.has(s.name)) {
      throw new ValueError(`${op}: two series are named "${s.name}"; each line needs its own legend name`);
    }
    names.add(s.name);
    const what = `series "${s.name}"`;
    const x = checkNumbers(op, `${what} x`, s.x);
    const y = checkNumbers(op, `${what} y`, s.y);
    if (x.length !== y.length) {
      throw new ShapeError(
        `${op}: ${what} has ${x.length} x values and ${y.length} y values; they must pair up one to one`,
      );
    }
    if (x.length === 0) throw new ValueError(`${op}: ${what} has no points`);
    if (xScale === "log") checkPositive(op, `${what} x`, x, "x");
    if (yScale === "log") checkPositive(op, `${what} y`, y, "y");
    longest = Math.max(longest, x.length);
    for (let i = 0; i < x.length; i++) rows.push({ s: s.name, x: x[i], y: y[i] });
  });
  const encode = (extra: Record<string, unknown>) => ({
    enter: { x: { scale: "x", field: "x" }, y: { scale: "y", field: "y" }, ...extra },
  });
  const lineMarks: Record<string, unknown>[] = [
    {
      type: "line",
      from: { data: "series" },
      encode: encode({ stroke: { scale: "color", field: "s" }, strokeWidth: { value: 2 } }),
    },
  ];
  // dots mark the measured points of short series (a data-size sweep); on long curves they are clutter
  if (longest <= 60) {
    lineMarks.push({
      type: "symbol",
      from: { data: "series" },
      encode: encode({ fill: { scale: "color", field: "s" }, size: { value: 36 } }),
    });
  }
  return {
    ...frame(spec.title),
    data: [{ name: "table", values: rows }],
    scales: [
      scale("x", xScale, "x"),
      scale("y", yScale, "y"),
      { name: "color", type: "ordinal", domain: [...names], range: { scheme: COLORS } },
    ],
    axes: [axis("bottom", "x", spec.xLabel, xScale), axis("left", "y", spec.yLabel, yScale)],
    legends: [{ ...legend(), symbolType: "stroke" }],
    marks: [
      {
        type: "group",
        from: { facet: { name: "series", data: "table", groupby: "s" } },
        marks: lineMarks,
      },
    ],
  };
}

/**
 * The Vega specification of a scatter plot, after checking `spec`.
 * @example
 * const v = scatterPlotSpec({ xLabel: "a", yLabel: "b", points: [{ x: 0, y: 0, group: "g" }] });
 * v.scales[2].domain; // ["g"]
 * scatterPlotSpec({ xLabel: "a", yLabel: "b", points: [] }); // throws ValueError
 */
export function scatterPlotSpec(spec: ScatterPlotSpec, op = "scatterPlot") {
  if (spec === null || typeof spec !== "object") {
    throw new ArgumentError(
      `${op}: spec must be an object { xLabel, yLabel, points }, got ${describeKind(spec)}`,
    );
  }
  checkLabel(op, "title", spec.title, true);
  checkLabel(op, "xLabel", spec.xLabel, false);
  checkLabel(op, "yLabel", spec.yLabel, false);
  if (!Array.isArray(spec.points)) {
    throw new ArgumentError(
      `${op}: points must be an array of { x, y, group }, got ${describeKind(spec.points)}`,
    );
  }
  if (spec.points.length === 0)
    throw new ValueError(`${op}: points is empty; give at least one { x, y, group }`);
  const groups = new Set<string>();
  const rows = spec.points.map((p, i) => {
    if (p === null || typeof p !== "object") {
      throw new ArgumentError(
        `${op}: points[${i}] must be an object { x, y, group }, got ${describeKind(p)}`,
      );
    }
    checkLabel(op, `points[${i}].group`, p.group, false);
    for (const key of ["x", "y"] as const) {
      if (typeof p[key] !== "number" || !Number.isFinite(p[key])) {
        throw new ValueError(
          `${op}: points[${i}].${key} is ${describeKind(p[key])}; every value must be a finite number`,
        );
      }
    }
    groups.add(p.group);
    return { s: p.group, x: p.x, y: p.y };
  });
  // many points: smaller, lighter dots so that dense clusters still show their shape
  const size = rows.length > 2000 ? 6 : rows.length > 300 ? 16 : 40;
  return {
    ...frame(spec.title),
    data: [{ name: "table", values: rows }],
    scales: [
      scale("x", "linear", "x"),
      scale("y", "linear", "y"),
      { name: "color", type: "ordinal", domain: [...groups], range: { scheme: COLORS } },
    ],
    axes: [axis("bottom", "x", spec.xLabel, "linear"), axis("left", "y", spec.yLabel, "linear")],
    legends: [{ ...legend(), symbolType: "circle", symbolOpacity: 1 }],
    marks: [
      {
        type: "symbol",
        from: { data: "table" },
        encode: {
          enter: {
            x: { scale: "x", field: "x" },
            y: { scale: "y", field: "y" },
            fill: { scale: "color", field: "s" },
            fillOpacity: { value: rows.length > 2000 ? 0.5 : 0.75 },
            size: { value: size },
          },
        },
      },
    ],
  };
}
