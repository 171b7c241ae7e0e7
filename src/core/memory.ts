import type { Backend, MemoryPressure, Storage } from "../backends/backend.js";
import { bytesPerElement } from "../base/dtype.js";
import { collector } from "./collector.js";

/**
 * A storage shared by a tensor and its views, released when the last of them lets go: by `dispose()`,
 * by the `tidy()` scope that made them, by the step release (see {@link TensorRef}), or (the safety
 * net) when the garbage collector finalises them.
 * @example
 * const t = zeros([4]);
 * const view = t.reshape([2, 2]);
 * const buffer: Buffer = t._ref.buffer;
 * buffer.bytes; // 16
 * t.dispose();
 * buffer.alive; // true: the view still holds it
 * view.dispose();
 * buffer.alive; // false
 */
export class Buffer {
  private refs = 1;
  readonly bytes: number;
  /** The event-loop turn it was made in (for the out-of-memory report). */
  private readonly turn: number;
  constructor(
    readonly backend: Backend,
    readonly storage: Storage,
  ) {
    this.bytes = storage.size * bytesPerElement(storage.dtype);
    // the backend asks the collector for memory back before it reports running out
    backend.memoryPressure ??= pressure;
    this.turn = collector.allocated(this.bytes);
  }
  get alive(): boolean {
    return this.refs > 0;
  }
  retain(): this {
    this.refs++;
    return this;
  }
  release(): void {
    if (this.refs <= 0) return;
    if (--this.refs === 0) {
      this.backend.release(this.storage);
      collector.freed(this.bytes, this.turn);
    }
  }
}

const pressure: MemoryPressure = {
  reclaim: () => collector.collect(),
  explain: () => collector.explainHeld(),
};

/**
 * Why a tensor's memory went back: the error for a later read names it.
 * @example
 * const t = zeros([2]);
 * t.dispose();
 * const why: ReleaseReason | null = t._ref.releasedBy; // "dispose"
 */
export type ReleaseReason = "dispose" | "tidy" | "step" | "loader" | "collected";

let refCount = 0;

const FRESH = 0;
const PENDING = 1;
/** Reused by a later step: data, not a step's temporary; never released by a step. */
const LONG_LIVED = 2;
/** Parameters, gradients, optimizer state, buffers, `keep()`: never released by a step. */
const PINNED = 3;
const RELEASED = 4;

/**
 * A tensor's hold on its buffer, plus where its value came from. It is a separate object from the
 * `Tensor` so that provenance links (`parents`) never keep a user's tensor object alive: the garbage
 * collector still sees a dropped tensor as garbage, and the step release can still reach its memory.
 * @example
 * const a = tensor([1, 2]);
 * const b = a.mul(2);
 * b._ref.parents!.includes(a._ref); // true
 * b._ref instanceof TensorRef; // true
 */
export class TensorRef {
  state = FRESH;
  /** Identifies a parameter's lane of steps. */
  readonly id = ++refCount;
  /** Walks done when this tensor was made. */
  readonly born = walkCount();
  /** Whether autograd recorded it (an activation, not data). */
  inGraph = false;
  /** Whether an op has read it (the DataLoader releases only batches the loop computed with). */
  used = false;
  lane: Lane | null = null;
  /** The step release walk that last reached this tensor. */
  walk = -1;
  /** The tensors this one was computed from (cleared once it can no longer matter). */
  parents: TensorRef[] | null = null;
  /** The tensor this one is a `detach()` of: the same value, but a new start for the step release. */
  detachOf: TensorRef | null = null;
  releasedBy: ReleaseReason | null = null;
  /** Whether the garbage collector's safety net holds a registration for it (see `core/collector.ts`). */
  watched = false;
  constructor(public buffer: Buffer) {}

  get released(): boolean {
    return this.state === RELEASED;
  }

  release(reason: ReleaseReason): void {
    if (this.state === RELEASED) return;
    this.state = RELEASED;
    this.releasedBy = reason;
    this.parents = null;
    this.detachOf = null;
    if (reason === "collected") this.watched = false;
    else collector.forget(this);
    this.buffer.release();
  }

  /** Notes that this tensor was computed from `parents` (an op read them). */
  deriveFrom(parents: TensorRef[]): void {
    for (const p of parents) p.used = true;
    this.parents = parents;
  }

  /** Exempts this tensor from the step release for good. */
  pin(): void {
    if (this.state === RELEASED) return;
    this.state = PINNED;
    this.parents = null;
    this.detachOf = null;
  }
}

interface Disposable {
  dispose(): void;
  /** @internal Releases with a reason a later read will name. */
  _release?(reason: ReleaseReason): void;
}

function releaseFromScope(t: Disposable): void {
  if (t._release) t._release("tidy");
  else t.dispose();
}

const scopes: Set<Disposable>[] = [];

/**
 * Called by every new tensor: it joins the innermost `tidy` scope and the GC safety net.
 * @example
 * const t = zeros([2]); // made outside the scope below, so tidy would not release it
 * tidy(() => track(t, t._ref)); // now it belongs to the scope too
 * t.isDisposed; // true
 */
export function track(t: Disposable, ref: TensorRef): void {
  collector.watch(t, ref);
  if (scopes.length > 0) scopes[scopes.length - 1].add(t);
}

/**
 * Takes a tensor out of every enclosing `tidy` scope, so none of them releases it.
 * @example
 * let t = zeros([1]);
 * tidy(() => {
 *   t = zeros([2]);
 *   untrack(t);
 * });
 * t.isDisposed; // false
 */
export function untrack(t: Disposable): void {
  for (const s of scopes) s.delete(t);
}

/**
 * Runs `fn` and releases every tensor it created except those it returns (found in arrays and plain
 * objects) and those passed to `keep`. Strata's own training loop runs each step in a scope, so user
 * code rarely needs this.
 * @example
 * const x = tensor([1, 2]);
 * const y = tidy(() => x.mul(2).add(1).sum()); // the intermediates x*2 and x*2+1 are released
 * y.item(); // 8
 */
export function tidy<T>(fn: () => T): T {
  return tidyOwned(fn)[0];
}

/**
 * Runs `fn` as `tidy` does and also returns the tensors it created that survive in the result, so
 * the caller can release them later (the DataLoader does, when it produces the next batch).
 * @example
 * const [batch, owned] = tidyOwned(() => {
 *   const raw = ones([2, 3]); // released at the end
 *   return [raw.mul(2), raw.sum(1)];
 * });
 * owned.length; // 2
 * for (const t of owned) t.dispose(); // when the batch is done with
 */
export function tidyOwned<T>(fn: () => T): [T, Disposable[]] {
  const created = new Set<Disposable>();
  scopes.push(created);
  let result: T;
  try {
    result = fn();
  } catch (error) {
    // an exception returns nothing: release everything the scope made
    scopes.pop();
    for (const t of created) releaseFromScope(t);
    throw error;
  }
  scopes.pop();
  const survivors = new Set<Disposable>();
  collect(result, survivors, 0);
  const owned: Disposable[] = [];
  for (const t of created) {
    if (survivors.has(t)) {
      owned.push(t);
      if (scopes.length > 0) scopes[scopes.length - 1].add(t);
    } else {
      releaseFromScope(t);
    }
  }
  return [result, owned];
}

interface Keepable extends Disposable {
  /** @internal */
  readonly _ref: TensorRef;
}

/**
 * Exempts a tensor from the enclosing `tidy` scopes and from the step release (parameters, optimizer
 * state, gradients, anything kept across training steps).
 * @example
 * const fixedNoise = keep(randn([16, 100])); // reused by every step, never released by one
 * const total = tidy(() => keep(fixedNoise.square()).sum()); // the square outlives the scope too
 */
export function keep<T extends Keepable>(t: T): T {
  for (const s of scopes) s.delete(t);
  t._ref.pin();
  return t;
}

function collect(value: unknown, into: Set<Disposable>, depth: number): void {
  if (value === null || typeof value !== "object" || depth > 8) return;
  if (typeof (value as Disposable).dispose === "function" && "shape" in (value as object)) {
    into.add(value as Disposable);
    return;
  }
  if (Array.isArray(value)) for (const v of value) collect(v, into, depth + 1);
  else if (Object.getPrototypeOf(value) === Object.prototype || value instanceof Map) {
    const values = value instanceof Map ? value.values() : Object.values(value);
    for (const v of values) collect(v, into, depth + 1);
  }
}

// ---- the step release ----

/** The steps of one set of parameters: a model trained alone, or one of a GAN's two losses. */
interface Lane {
  /** The first walk of this lane: tensors made before it are the user's prepared data. */
  readonly firstWalk: number;
  lastWalk: number;
  /** What the last walk reached: released by the next one unless reached again. */
  pending: TensorRef[];
}

let walks = 0;
const lanes = new Map<string, Lane>();

/**
 * The number of step-release walks so far (a tensor remembers it at birth).
 * @example
 * const w = tensor([1, 2], { requiresGrad: true });
 * const before = walkCount();
 * w.mul(3).sum().backward(); // consumes its graph: one walk
 * walkCount() - before; // 1
 */
export function walkCount(): number {
  return walks;
}

/**
 * Called by a `backward()` that consumes its graph: the start of a new training step of the
 * parameters `params` (the leaves its graph reaches). Marks every tensor the loss was computed from,
 * then releases what the previous step of the same parameters marked and this one did not reach.
 *
 * A tensor of the previous step that this loss was computed from again (data reused every step, a
 * fixed input) becomes long-lived, and so do the tensors it was derived from; one reached through
 * a `detach()` (a recurrent state carried over, or what it was computed from) lives one more step. Pinned and long-lived
 * tensors stop the walk. Data made before a lane's first step (tensors without a gradient) is the
 * user's prepared data and is never released by a step; of what the first step computed, only its
 * graph is.
 * @example
 * const w = tensor([1, 2], { requiresGrad: true });
 * const loss = w.mul(3).sum();
 * beginStep(loss._ref, [w._ref]); // what loss.backward() does first
 */
export function beginStep(root: TensorRef, params: readonly TensorRef[]): void {
  const id = ++walks;
  const key = params
    .map((p) => p.id)
    .sort((a, b) => a - b)
    .join(",");
  let lane = lanes.get(key);
  if (!lane) {
    lane = { firstWalk: id, lastWalk: -1, pending: [] };
    if (lanes.size >= 64) forgetFinishedLanes();
    lanes.set(key, lane);
  }
  const reached: TensorRef[] = [];
  const stack: TensorRef[] = [root];
  const viaDetach: boolean[] = [false];
  while (stack.length > 0) {
    const r = stack.pop() as TensorRef;
    const detached = viaDetach.pop() as boolean;
    if (r.state === FRESH) {
      r.state = PENDING;
      r.walk = id;
      r.lane = lane;
      reached.push(r);
      if (r.parents) {
        // below a detach() everything is a carried-over value, never data reused as such
        for (const p of r.parents) {
          stack.push(p);
          viaDetach.push(detached);
        }
      }
      if (r.detachOf) {
        stack.push(r.detachOf);
        viaDetach.push(true);
      }
    } else if (r.state === PENDING && r.lane === lane && r.walk === lane.lastWalk) {
      if (detached) {
        r.walk = id;
        reached.push(r);
      } else {
        promote(r, lane);
      }
    }
  }
  const previous = lane.lastWalk;
  for (const r of lane.pending) {
    if (r.state !== PENDING || r.lane !== lane || r.walk !== previous) continue;
    // data made before the lane's first step is the user's prepared data (maybe used on alternate
    // steps): never released by a step
    if (!r.inGraph && r.born < lane.firstWalk) promote(r, lane);
    else r.release("step");
  }
  lane.pending = reached;
  lane.lastWalk = id;
}

/** A previous step's tensor reused by this one, and what it was derived from, become long-lived. */
function promote(first: TensorRef, lane: Lane): void {
  const walk = lane.lastWalk;
  const stack = [first];
  while (stack.length > 0) {
    const r = stack.pop() as TensorRef;
    if (r.state !== PENDING || r.lane !== lane || r.walk !== walk) continue;
    r.state = LONG_LIVED;
    r.lane = null;
    if (r.parents) stack.push(...r.parents);
    r.parents = null;
    r.detachOf = null;
  }
}

function forgetFinishedLanes(): void {
  for (const [key, lane] of lanes) {
    if (lane.pending.every((r) => r.state !== PENDING || r.lane !== lane)) lanes.delete(key);
  }
}
