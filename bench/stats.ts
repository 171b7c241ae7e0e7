/** Median of several timed runs: these shared machines are noisy, so single runs mislead. */
export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Runs `fn` `warmup` times, then `runs` timed runs of `reps` calls each; returns seconds per call per run. */
export async function timeRuns(
  fn: () => void | Promise<void>,
  { warmup = 1, runs = 5, reps = 1 } = {},
): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn();
  const out: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) await fn();
    out.push((performance.now() - t0) / 1000 / reps);
  }
  return out;
}

/**
 * `timeRuns` with both clocks: seconds per call per run by the wall clock and by this process's CPU
 * time (user + system, all its threads), which other jobs on a shared machine disturb far less.
 */
export async function timeRunsCpu(
  fn: () => void | Promise<void>,
  { warmup = 1, runs = 5, reps = 1 } = {},
): Promise<{ wall: number[]; cpu: number[] }> {
  for (let i = 0; i < warmup; i++) await fn();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let r = 0; r < runs; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) await fn();
    const used = process.cpuUsage(c0);
    wall.push((performance.now() - t0) / 1000 / reps);
    cpu.push((used.user + used.system) / 1e6 / reps);
  }
  return { wall, cpu };
}
