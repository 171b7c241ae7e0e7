import { ValueError } from "../base/errors.js";
import { linePlot } from "../plot/plot.js";
import type { ReturnsRecord } from "./dqn.js";

/**
 * Plots episode returns against environment steps, one line per run, each smoothed by the mean of
 * the last `window` episodes and thinned to at most `maxPoints` points. Returns the SVG; with `path`
 * (no extension) it also writes `path.svg` and `path.png` (see `plot.linePlot`).
 * @example
 * const record = { steps: [10, 30, 60, 100], returns: [10, 20, 30, 40] };
 * const svg = await rl.plotReturns([{ name: "seed 1", record }], { window: 2 });
 * svg.includes("environment steps"); // true
 */
export async function plotReturns(
  runs: readonly { name: string; record: ReturnsRecord }[],
  options: { path?: string; title?: string; window?: number; maxPoints?: number; yLabel?: string } = {},
): Promise<string> {
  const window = options.window ?? 20;
  const maxPoints = options.maxPoints ?? 400;
  if (!Number.isInteger(window) || window < 1)
    throw new ValueError(`plotReturns: window must be a positive integer, got ${window}`);
  const series = runs.map(({ name, record }) => {
    const { steps, returns } = record;
    if (steps.length !== returns.length || steps.length === 0)
      throw new ValueError(
        `plotReturns: run "${name}" has ${steps.length} steps and ${returns.length} returns (need equal, non-zero)`,
      );
    const every = Math.max(1, Math.ceil(returns.length / maxPoints));
    const x: number[] = [];
    const y: number[] = [];
    let sum = 0;
    for (let i = 0; i < returns.length; i++) {
      sum += returns[i];
      if (i >= window) sum -= returns[i - window];
      if ((returns.length - 1 - i) % every === 0) {
        x.push(steps[i]);
        y.push(sum / Math.min(i + 1, window));
      }
    }
    return { name, x, y };
  });
  return linePlot(
    {
      title: options.title ?? `Return per episode (mean of the last ${window})`,
      xLabel: "environment steps",
      yLabel: options.yLabel ?? "episode return",
      series,
    },
    options.path,
  );
}
