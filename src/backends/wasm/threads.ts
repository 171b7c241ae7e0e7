/**
 * A pool of worker threads that run the same wasm kernels on the same shared memory, so a big kernel
 * is split across cores with no copies. The main thread takes part (worker index 0), so a pool of
 * `size` threads spawns `size - 1` workers. Coordination is a small shared Int32Array: the main thread
 * bumps a generation number and notifies; each worker runs its share and counts itself done.
 * Workers are unref'd, so a Node process exits when its work ends; `terminate()` stops them at once.
 */
import type { KernelExports } from "./module.js";

/** Control block layout (Int32 slots). */
const GEN = 0;
const DONE = 1;
const READY = 2;
const FN = 3;
const ERROR = 4;
const ARGS = 5;
const MAX_ARGS = 24;

/** The worker's program, as source: it must run from a string so that no file path or loader is involved. */
const WORKER_SOURCE = `
const { workerData } = require("worker_threads");
const { module, memory, control, index, names } = workerData;
const ctrl = new Int32Array(control);
const exports = new WebAssembly.Instance(module, { env: { memory, abort() { throw new Error("wasm kernel aborted"); } } }).exports;
// read the generation before announcing readiness: a job posted right after must not be missed
let seen = Atomics.load(ctrl, ${GEN});
Atomics.add(ctrl, ${READY}, 1);
Atomics.notify(ctrl, ${READY});
for (;;) {
  Atomics.wait(ctrl, ${GEN}, seen);
  seen = Atomics.load(ctrl, ${GEN});
  const name = names[ctrl[${FN}]];
  const count = ctrl[${ARGS}];
  const args = [];
  for (let i = 0; i < count; i++) args.push(ctrl[${ARGS + 1} + i]);
  try { exports[name](index, ...args); } catch (e) { Atomics.store(ctrl, ${ERROR}, 1); }
  Atomics.add(ctrl, ${DONE}, 1);
  Atomics.notify(ctrl, ${DONE});
}
`;

interface WorkerLike {
  unref(): void;
  terminate(): Promise<number>;
  on(event: "error", listener: (e: Error) => void): void;
}

export class ThreadPool {
  private readonly ctrl: Int32Array;
  private readonly workers: WorkerLike[] = [];
  private broken = false;

  private constructor(
    readonly size: number,
    private readonly names: string[],
  ) {
    this.ctrl = new Int32Array(new SharedArrayBuffer(4 * (ARGS + 1 + MAX_ARGS)));
  }

  /**
   * Starts `size - 1` workers (Node's worker_threads). Resolves to null where threads are unavailable;
   * the pool can be used as soon as it exists, and runs on one thread until the workers are up.
   */
  static async create(
    module: WebAssembly.Module,
    memory: WebAssembly.Memory,
    names: string[],
    requested?: number,
  ): Promise<ThreadPool | null> {
    let Worker: new (src: string, opts: object) => WorkerLike;
    let size: number;
    try {
      ({ Worker } = (await import("node:worker_threads")) as unknown as { Worker: typeof Worker });
      const os = await import("node:os");
      size = requested ?? os.availableParallelism();
    } catch {
      return null;
    }
    if (size < 2) return null;
    const pool = new ThreadPool(size, names);
    for (let i = 1; i < size; i++) {
      const w = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: { module, memory, control: pool.ctrl.buffer, index: i, names },
      });
      w.unref();
      w.on("error", () => {
        pool.broken = true;
      });
      pool.workers.push(w);
    }
    return pool;
  }

  /** Whether every worker has started and none has failed. */
  get ready(): boolean {
    return !this.broken && Atomics.load(this.ctrl, READY) === this.size - 1;
  }

  /**
   * Runs `kernels[name](threadIndex, ...args)` on every thread (this one is index 0) and returns when
   * all are done. The kernel splits its own work by the thread index; `args` must be int32 values.
   */
  run(kernels: KernelExports, name: string, args: number[]): void {
    const ctrl = this.ctrl;
    ctrl[FN] = this.names.indexOf(name);
    ctrl[ARGS] = args.length;
    for (let i = 0; i < args.length; i++) ctrl[ARGS + 1 + i] = args[i];
    Atomics.store(ctrl, DONE, 0);
    Atomics.add(ctrl, GEN, 1);
    Atomics.notify(ctrl, GEN);
    (kernels as unknown as Record<string, (...a: number[]) => void>)[name](0, ...args);
    const others = this.size - 1;
    for (let done = Atomics.load(ctrl, DONE); done < others; done = Atomics.load(ctrl, DONE)) {
      Atomics.wait(ctrl, DONE, done, 1000);
    }
    if (Atomics.exchange(ctrl, ERROR, 0) !== 0) {
      this.broken = true;
      throw new Error(`wasm thread pool: kernel ${name} failed in a worker thread`);
    }
  }

  async terminate(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
    this.workers.length = 0;
    this.broken = true;
  }
}
