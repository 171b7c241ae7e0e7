/**
 * The charting packages, loaded on the first plot only: `vega` (layout and SVG), `@resvg/resvg-wasm`
 * (SVG to PNG, pure wasm) and `dejavu-fonts-ttf` (the font resvg draws text with, so a PNG looks the
 * same on every machine). They are optional dependencies, so the core package stays small and a program
 * that never plots never loads them.
 */
import { StrataError } from "../base/errors.js";

/**
 * An optional package a feature needs is not installed (`packageName` is what to `npm install`), or, for
 * a PNG in a browser, Node itself (`packageName` "node:fs").
 * Examples catch it to skip their plot with a notice instead of failing the run.
 * @example
 * const e = new MissingPackageError("linePlot", "vega", "to lay out the chart");
 * e.message; // "linePlot: the optional package vega is not installed (needed to lay out the chart); install it with: npm install vega"
 * e instanceof StrataError; // true
 */
export class MissingPackageError extends StrataError {
  readonly packageName: string;
  constructor(op: string, packageName: string, why: string, options?: { cause?: unknown; message?: string }) {
    super(
      options?.message ??
        `${op}: the optional package ${packageName} is not installed (needed ${why}); install it with: npm install ${packageName}`,
    );
    this.packageName = packageName;
    if (options !== undefined && "cause" in options) {
      Object.defineProperty(this, "cause", { value: options.cause, writable: true, configurable: true });
    }
  }
}

/**
 * True when `err`, or an error it wraps (module loaders and test runners wrap the resolver's error),
 * says the module itself could not be found, rather than failing inside.
 */
function notFound(err: unknown): boolean {
  for (let e = err, depth = 0; e != null && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") return true;
    const message = e instanceof Error ? e.message : String(e);
    if (
      /Cannot find (module|package)|Failed to resolve module|Failed to fetch dynamically imported/.test(
        message,
      )
    ) {
      return true;
    }
  }
  return false;
}

async function load<T>(op: string, name: string, why: string, importer: () => Promise<T>): Promise<T> {
  try {
    return await importer();
  } catch (err) {
    if (notFound(err)) throw new MissingPackageError(op, name, why, { cause: err });
    throw err;
  }
}

/** The `vega` module (the View, the spec parser). */
type VegaModule = typeof import("vega");

let vegaModule: Promise<VegaModule> | undefined;

/**
 * The `vega` package, imported once.
 * @example
 * const vega = await loadVega("linePlot");
 * typeof vega.View; // "function"
 */
export function loadVega(op: string): Promise<VegaModule> {
  vegaModule ??= load(op, "vega", "to lay out the chart", () => import("vega"));
  // a failed import is not cached: installing the package then retrying works without a restart
  vegaModule.catch(() => {
    vegaModule = undefined;
  });
  return vegaModule;
}

/**
 * What rasterising needs: resvg's renderer class, ready to use, and the font's bytes.
 * @example
 * const r: Rasterizer = await loadRasterizer("svgToPng");
 * const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="2"></svg>';
 * new r.Resvg(svg, { font: { fontBuffers: [r.font] } }).render().width; // 4
 */
export interface Rasterizer {
  Resvg: typeof import("@resvg/resvg-wasm").Resvg;
  font: Uint8Array;
}

/**
 * Set up once per process, not per copy of this module: resvg's `initWasm` refuses a second call, and a
 * test runner may load this module twice over one resvg.
 */
const RASTERIZER = Symbol.for("strata.plot.rasterizer");
const globals = globalThis as Record<symbol, Promise<Rasterizer> | undefined>;

async function makeRasterizer(op: string): Promise<Rasterizer> {
  const resvg = await load(
    op,
    "@resvg/resvg-wasm",
    "to turn the SVG into a PNG",
    () => import("@resvg/resvg-wasm"),
  );
  let fs: typeof import("node:fs/promises");
  let require: NodeJS.Require;
  try {
    fs = await import("node:fs/promises");
    require = (await import("node:module")).createRequire(import.meta.url);
  } catch (err) {
    const message = `${op}: a PNG needs Node (node:fs reads resvg's wasm and the font); in a browser, use the SVG text`;
    throw new MissingPackageError(op, "node:fs", "to read the PNG renderer and its font", {
      cause: err,
      message,
    });
  }
  const resolve = (name: string, pkg: string, why: string) => {
    try {
      return require.resolve(name);
    } catch (err) {
      throw new MissingPackageError(op, pkg, why, { cause: err });
    }
  };
  const wasmPath = resolve("@resvg/resvg-wasm/index_bg.wasm", "@resvg/resvg-wasm", "to draw the PNG");
  const fontPath = resolve("dejavu-fonts-ttf/ttf/DejaVuSans.ttf", "dejavu-fonts-ttf", "for the PNG's text");
  const [wasm, font] = await Promise.all([fs.readFile(wasmPath), fs.readFile(fontPath)]);
  try {
    await resvg.initWasm(wasm);
  } catch (err) {
    // another copy of this module (or the user) set resvg up already: that is all we need
    if (!String((err as Error)?.message).includes("Already initialized")) throw err;
  }
  return { Resvg: resvg.Resvg, font: new Uint8Array(font.buffer, font.byteOffset, font.byteLength) };
}

/**
 * resvg with its wasm started and the DejaVu Sans font read, once per process (Node only).
 * @example
 * const { Resvg, font } = await loadRasterizer("svgToPng");
 * font.length > 100000; // true: DejaVu Sans
 * typeof Resvg; // "function"
 */
export function loadRasterizer(op: string): Promise<Rasterizer> {
  let pending = globals[RASTERIZER];
  if (pending === undefined) {
    pending = makeRasterizer(op);
    globals[RASTERIZER] = pending;
    pending.catch(() => {
      globals[RASTERIZER] = undefined;
    });
  }
  return pending;
}
