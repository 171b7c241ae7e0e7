import { BackendError } from "../base/errors.js";
import { noGrad } from "../core/grad_mode.js";
import { keep, tidy } from "../core/memory.js";
import type { Tensor } from "../core/tensor.js";
import type { Module } from "../nn/module.js";
import type { ParamState } from "../optim/optimizer.js";
import { scalar } from "../ops/creation.js";
import { clipGradNormOnDevice, clipGradValue } from "../optim/clip.js";
import type { Logs } from "./callbacks/callback.js";
import type { LossFn } from "./losses_by_name.js";
import type { Metric } from "./metrics.js";

/**
 * Training and evaluation for backends that read asynchronously (webgpu): no per-step read-back. The
 * loss sum, the metrics' counts and the divergence check accumulate on the device and are read once per
 * `DEVICE_READ_EVERY` batches and at the end of the epoch.
 */

/**
 * Batches between two reads of the device accumulators in `fit` on an async backend.
 * @example
 * DEVICE_READ_EVERY; // 32
 */
export const DEVICE_READ_EVERY = 32;

/**
 * What the device loops need of a compiled model.
 * @example
 * const setup: DeviceCompiled = { optimizer: opt, loss: (p, t) => p.sub(t).square().mean(), metrics: [] };
 */
export interface DeviceCompiled {
  optimizer: { zeroGrad(): void; step(): void };
  loss: LossFn;
  metrics: Metric[];
  clipNorm?: number;
  clipValue?: number;
}

/**
 * Refuses, before training starts, what the device loop cannot do without synchronous reads.
 * @example
 * checkDeviceCompiled("fit", { optimizer: opt, loss: (p, t) => p.sub(t).abs().mean(), metrics: [] }, "webgpu"); // fine
 */
export function checkDeviceCompiled(op: string, c: DeviceCompiled, backend: string): void {
  for (const m of c.metrics) {
    if (!m.deviceCounts || !m.addCounts) {
      throw new BackendError(
        `${op}: metric "${m.name}" has no device form, and the ${backend} backend cannot be read ` +
          "synchronously; use accuracy, or compute it after training from `await predict(...).data()`",
      );
    }
  }
}

/** Device-side running sums: the loss, each metric's two counts, and the first diverging batch. */
class Accumulators {
  loss: Tensor;
  counts: [Tensor, Tensor][];
  /** -1 while every step was finite; else the (0-based) batch of the first non-finite loss or gradient. */
  firstBad: Tensor;
  /** Whether every step so far was finite: once false, updates are no longer applied. */
  ok: Tensor;

  constructor(metrics: number) {
    this.loss = keep(scalar(0));
    this.counts = Array.from({ length: metrics }, () => [keep(scalar(0)), keep(scalar(0))]);
    this.firstBad = keep(scalar(-1));
    this.ok = keep(scalar(true));
  }

  /** Replaces the accumulators with their next values (kept), releasing the old ones. */
  set(loss: Tensor, counts: [Tensor, Tensor][], firstBad?: Tensor, ok?: Tensor): void {
    const old = [this.loss, ...this.counts.flat()];
    this.loss = keep(loss);
    this.counts = counts.map(([a, b]) => [keep(a), keep(b)]);
    if (firstBad && ok) {
      old.push(this.firstBad, this.ok);
      this.firstBad = keep(firstBad);
      this.ok = keep(ok);
    }
    for (const t of old) t.dispose();
  }

  async read(): Promise<{ loss: number; counts: [number, number][]; firstBad: number }> {
    const [loss, firstBad, ...flat] = await Promise.all(
      [this.loss, this.firstBad, ...this.counts.flat()].map((t) => t.itemAsync()),
    );
    const counts: [number, number][] = [];
    for (let i = 0; i < flat.length; i += 2) counts.push([flat[i], flat[i + 1]]);
    return { loss, counts, firstBad };
  }

  dispose(): void {
    for (const t of [this.loss, ...this.counts.flat(), this.firstBad, this.ok]) t.dispose();
  }
}

/** An optimizer's per-parameter state, where it has one (every `Optimizer` of `optim` does). */
function optimizerState(optimizer: DeviceCompiled["optimizer"]): Map<Tensor, ParamState> | null {
  const state = (optimizer as { state?: unknown }).state;
  return state instanceof Map ? (state as Map<Tensor, ParamState>) : null;
}

/** The host numbers of an optimizer's state (step counts), by parameter: what a `where` cannot gate. */
function hostNumbers(state: Map<Tensor, ParamState>): Map<Tensor, Record<string, number>> {
  const out = new Map<Tensor, Record<string, number>>();
  for (const [p, s] of state) {
    const numbers: Record<string, number> = {};
    for (const [k, v] of Object.entries(s)) if (typeof v === "number") numbers[k] = v;
    out.set(p, numbers);
  }
  return out;
}

/**
 * Puts the optimizer's host numbers back as they were before the first diverged batch, and removes
 * the state its update created (the tensors were gated on the device as the steps ran).
 */
function restoreHostNumbers(
  state: Map<Tensor, ParamState>,
  before: Map<Tensor, Record<string, number>>,
): void {
  for (const [p, s] of state) {
    const numbers = before.get(p);
    if (numbers === undefined) {
      for (const v of Object.values(s)) if (typeof v !== "number") v.dispose();
      state.delete(p);
      continue;
    }
    Object.assign(s, numbers);
  }
}

/** The sum of every gradient, as one scalar: NaN or infinite when any element is. */
function gradientSum(params: readonly Tensor[]): Tensor | null {
  let total: Tensor | null = null;
  for (const p of params) {
    if (p.grad === null) continue;
    const s = p.grad.reshape(1, p.grad.size).sum(1).reshape([]);
    total = total === null ? s : total.add(s);
  }
  return total;
}

/**
 * The result of one epoch of device training: the mean loss and metrics, and, if a step diverged, where.
 * @example
 * const r: DeviceEpoch = { lossSum: 1.5, seen: 3, batches: 1, firstBad: -1, logs: { loss: 0.5 } };
 */
export interface DeviceEpoch {
  lossSum: number;
  seen: number;
  batches: number;
  /** -1, or the 0-based batch whose loss or gradient was the first non-finite one. */
  firstBad: number;
  /** The batch after which the divergence was read back (it is found at a read, not at the step). */
  foundAt?: number;
  logs: Logs;
}

/**
 * One epoch of training without a synchronous read: each step's update is applied only while every
 * step so far was finite (a `where` on the device), so parameters and buffers keep their values from
 * before the first diverging batch, which the next read reports.
 * @example
 * typeof trainEpochOnDevice; // "function": what fit runs on webgpu
 */
export async function trainEpochOnDevice(
  model: Module,
  c: DeviceCompiled,
  batches: Iterator<[Tensor, Tensor]>,
  params: readonly Tensor[],
  state: readonly Tensor[],
  onRead: (batch: number, logs: Logs) => Promise<void>,
): Promise<DeviceEpoch> {
  for (const m of c.metrics) m.reset();
  const acc = new Accumulators(c.metrics.length);
  const optState = optimizerState(c.optimizer);
  // the optimizer's host numbers before each batch since the last read, to undo a diverged one's
  const numbersBefore: Map<Tensor, Record<string, number>>[] = [];
  let seen = 0;
  let batch = 0;
  let lossSum = 0;
  const diverged = (firstBad: number): void => {
    const before = numbersBefore[firstBad - (batch - numbersBefore.length)];
    if (optState && before) restoreHostNumbers(optState, before);
  };
  const logsOf = (r: { loss: number; counts: [number, number][] }): Logs => {
    lossSum = r.loss;
    const logs: Logs = { loss: r.loss / seen };
    c.metrics.forEach((m, i) => {
      m.reset();
      m.addCounts?.(r.counts[i][0], r.counts[i][1]);
      logs[m.name] = m.result();
    });
    return logs;
  };
  try {
    for (;;) {
      const more = tidy(() => {
        const next = batches.next();
        if (next.done) return false;
        const [x, y] = next.value;
        const size = x.shape[0] ?? 1;
        c.optimizer.zeroGrad();
        const saved = state.map((t) => t.detach());
        const out = model.forward(x);
        const loss = c.loss(out, y);
        loss.backward();
        const g = gradientSum(params);
        const good = g === null ? loss.isFinite() : loss.isFinite().logicalAnd(g.isFinite());
        const ok = acc.ok.logicalAnd(good);
        if (c.clipValue !== undefined) clipGradValue([...params], c.clipValue);
        // the factor is computed on the device, so clipping needs no read (the norm is not reported)
        if (c.clipNorm !== undefined) clipGradNormOnDevice([...params], c.clipNorm);
        if (optState) numbersBefore.push(hostNumbers(optState));
        // views of the optimizer's tensors before the step (the step replaces them, never writes them)
        const savedOpt = new Map<ParamState, [string, Tensor][]>();
        for (const s of optState?.values() ?? []) {
          const tensors: [string, Tensor][] = [];
          for (const [k, v] of Object.entries(s)) if (typeof v !== "number") tensors.push([k, v.detach()]);
          savedOpt.set(s, tensors);
        }
        c.optimizer.step();
        noGrad(() => {
          // a diverged step (or any after it) leaves parameters, buffers and the optimizer's moments
          // as they were before it; its host numbers (step counts) are put back when it is read
          for (const [i, t] of state.entries()) t.assign(ok.where(t, saved[i]));
          for (const [s, tensors] of savedOpt) {
            for (const [k, old] of tensors) {
              const now = s[k];
              if (typeof now !== "number" && now !== undefined) now.assign(ok.where(now, old));
            }
          }
          const value = loss.detach();
          const lossNext = acc.loss.add(good.where(value.mul(size), 0));
          const counts = c.metrics.map((m, i) => {
            const [a, b] = (m.deviceCounts as NonNullable<Metric["deviceCounts"]>)(out, y);
            return [acc.counts[i][0].add(a), acc.counts[i][1].add(b)] as [Tensor, Tensor];
          });
          const firstBad = acc.ok.logicalAnd(good.logicalNot()).where(batch, acc.firstBad);
          acc.set(lossNext, counts, firstBad, ok);
        });
        for (const t of saved) t.dispose();
        for (const tensors of savedOpt.values()) for (const [, t] of tensors) t.dispose();
        seen += size;
        return true;
      });
      if (!more) break;
      batch++;
      if (batch % DEVICE_READ_EVERY === 0) {
        const r = await acc.read();
        const logs = logsOf(r);
        if (r.firstBad >= 0) {
          diverged(r.firstBad);
          return { lossSum, seen, batches: batch, firstBad: r.firstBad, foundAt: batch, logs };
        }
        numbersBefore.length = 0;
        await onRead(batch - 1, logs);
      }
    }
    const r = await acc.read();
    const logs = logsOf(r);
    if (r.firstBad >= 0) diverged(r.firstBad);
    if (batch % DEVICE_READ_EVERY !== 0 && r.firstBad < 0 && batch > 0) await onRead(batch - 1, logs);
    return { lossSum, seen, batches: batch, firstBad: r.firstBad, foundAt: batch, logs };
  } finally {
    acc.dispose();
  }
}

/**
 * Mean loss and metrics over batches with one read at the end (the device form of `evaluate`).
 * @example
 * typeof evaluateOnDevice; // "function": what evaluateAsync runs
 */
export async function evaluateOnDevice(
  model: Module,
  c: DeviceCompiled,
  batches: Iterable<[Tensor, Tensor]>,
): Promise<Logs> {
  const acc = new Accumulators(c.metrics.length);
  let seen = 0;
  const wasTraining = model.training;
  model.eval();
  try {
    const it = batches[Symbol.iterator]();
    for (;;) {
      const more = tidy(() =>
        noGrad(() => {
          const next = it.next();
          if (next.done) return false;
          const [x, y] = next.value;
          const size = x.shape[0] ?? 1;
          const out = model.forward(x);
          const loss = c.loss(out, y);
          const counts = c.metrics.map((m, i) => {
            const [a, b] = (m.deviceCounts as NonNullable<Metric["deviceCounts"]>)(out, y);
            return [acc.counts[i][0].add(a), acc.counts[i][1].add(b)] as [Tensor, Tensor];
          });
          acc.set(acc.loss.add(loss.mul(size)), counts);
          seen += size;
          return true;
        }),
      );
      if (!more) break;
    }
    const r = await acc.read();
    const logs: Logs = { loss: r.loss / seen };
    c.metrics.forEach((m, i) => {
      m.reset();
      m.addCounts?.(r.counts[i][0], r.counts[i][1]);
      logs[m.name] = m.result();
    });
    return logs;
  } finally {
    model.train(wasTraining);
    acc.dispose();
  }
}
