import { ValueError } from "../base/errors.js";

/**
 * A value as a function of the step count (ε for ε-greedy exploration, β for prioritised replay).
 * @example
 * const constant: rl.Schedule = () => 0.1;
 * constant(1000); // 0.1
 */
export type Schedule = (step: number) => number;

function checkFinite(fn: string, values: Record<string, number>): void {
  for (const [k, v] of Object.entries(values))
    if (!Number.isFinite(v)) throw new ValueError(`${fn}: ${k} must be a finite number, got ${v}`);
}

/**
 * Goes linearly from `start` to `end` over `duration` steps, then stays at `end` (CleanRL's and the
 * Nature DQN's ε: 1 → 0.1 over the first million frames).
 * @example
 * const eps = rl.linearSchedule(1, 0.05, 100);
 * [eps(0), eps(50), eps(100), eps(1000)]; // [1, 0.525, 0.05, 0.05]
 */
export function linearSchedule(start: number, end: number, duration: number): Schedule {
  checkFinite("linearSchedule", { start, end, duration });
  if (duration < 0) throw new ValueError(`linearSchedule: duration must be ≥ 0 steps, got ${duration}`);
  return (step) => (duration === 0 || step >= duration ? end : start + ((end - start) * step) / duration);
}

/**
 * Decays geometrically from `start` toward `end`: end + (start − end)·decay^step.
 * @example
 * const eps = rl.exponentialSchedule(1, 0, 0.5);
 * [eps(0), eps(1), eps(3)]; // [1, 0.5, 0.125]
 */
export function exponentialSchedule(start: number, end: number, decay: number): Schedule {
  checkFinite("exponentialSchedule", { start, end, decay });
  if (!(decay > 0 && decay <= 1))
    throw new ValueError(`exponentialSchedule: decay must be in (0, 1], got ${decay}`);
  return (step) => end + (start - end) * decay ** step;
}
