import type { Backend, Storage } from "../backends/backend.js";

/**
 * A storage shared by a tensor and its views, released when the last of them lets go: by `dispose()`,
 * by the `tidy()` scope that made them, or (the safety net) when the garbage collector finalises them.
 */
export class Buffer {
  private refs = 1;
  constructor(
    readonly backend: Backend,
    readonly storage: Storage,
  ) {}
  get alive(): boolean {
    return this.refs > 0;
  }
  retain(): this {
    this.refs++;
    return this;
  }
  release(): void {
    if (this.refs <= 0) return;
    if (--this.refs === 0) this.backend.release(this.storage);
  }
}

interface Disposable {
  dispose(): void;
}

const scopes: Set<Disposable>[] = [];

const finalizer = new FinalizationRegistry<Buffer>((buffer) => buffer.release());

/** Called by every new tensor: it joins the innermost `tidy` scope and the GC safety net. */
export function track(t: Disposable, buffer: Buffer): void {
  finalizer.register(t, buffer, t);
  if (scopes.length > 0) scopes[scopes.length - 1].add(t);
}

export function untrack(t: Disposable): void {
  finalizer.unregister(t);
  for (const s of scopes) s.delete(t);
}

/**
 * Runs `fn` and releases every tensor it created except those it returns (found in arrays and plain
 * objects) and those passed to `keep`. Strata's own training loop runs each step in a scope, so user
 * code rarely needs this.
 * @example
 * const y = tidy(() => x.mul(2).add(1).sum()); // the intermediate x*2 is released
 */
export function tidy<T>(fn: () => T): T {
  const scope = new Set<Disposable>();
  scopes.push(scope);
  let result: T;
  try {
    result = fn();
  } catch (error) {
    // an exception returns nothing: release everything the scope made
    scopes.pop();
    for (const t of scope) t.dispose();
    throw error;
  }
  scopes.pop();
  const survivors = new Set<Disposable>();
  collect(result, survivors, 0);
  for (const t of scope) {
    if (survivors.has(t)) {
      if (scopes.length > 0) scopes[scopes.length - 1].add(t);
    } else {
      t.dispose();
    }
  }
  return result;
}

/** Exempts a tensor from the enclosing `tidy` scopes (parameters, optimizer state, gradients). */
export function keep<T extends Disposable>(t: T): T {
  for (const s of scopes) s.delete(t);
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
