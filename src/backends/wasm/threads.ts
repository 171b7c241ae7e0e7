/**
 * A pool of worker threads that run the same wasm kernels on the same shared memory, so a big kernel
 * is split across cores with no copies. The calling thread takes part (index 0), so a pool of `size`
 * threads spawns `size - 1` workers: Node's worker_threads, or Web Workers in a cross-origin-isolated
 * page. Coordination is a small shared Int32Array: the caller bumps a generation number and notifies;
 * each worker runs its share and counts itself done. Node workers are unref'd, so a process exits when
 * its work ends; `terminate()` stops them at once.
 */
import { BackendError } from "../../base/errors.js";
import type { KernelExports } from "./module.js";

/** Control block layout (Int32 slots). */
const GEN = 0;
const DONE = 1;
const READY = 2;
const FN = 3;
const ERROR = 4;
const ARGS = 5;
const MAX_ARGS = 24;

/** The worker's loop, shared by both kinds of worker; `init` receives the module, memory and control block. */
const WORKER_LOOP = `
function init({ module, memory, control, index, names }) {
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
}
`;
/** Node: the data arrives as workerData; the source runs from a string, so no file path or loader is involved. */
const NODE_WORKER = `${WORKER_LOOP}\ninit(require("worker_threads").workerData);\n`;
/** Browsers: the data arrives in the first message. */
const WEB_WORKER = `${WORKER_LOOP}\nself.onmessage = (e) => init(e.data);\n`;

interface WorkerData {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  control: SharedArrayBuffer;
  index: number;
  names: string[];
}

type Spawn = (data: WorkerData) => { terminate(): unknown };

/** How to start a worker here, and how many threads there are; null where threads are impossible. */
async function platform(): Promise<{ spawn: Spawn; cores: number; canBlock: boolean } | null> {
  const g = globalThis as {
    process?: { versions?: { node?: string } };
    crossOriginIsolated?: boolean;
    Worker?: new (url: string) => { postMessage(d: unknown): void; terminate(): void; onerror: unknown };
    navigator?: { hardwareConcurrency?: number };
    Blob?: typeof Blob;
    URL?: typeof URL;
  };
  if (typeof g.process?.versions?.node === "string") {
    try {
      const { Worker } = await import("node:worker_threads");
      const os = await import("node:os");
      const spawn: Spawn = (data) => {
        const w = new Worker(NODE_WORKER, { eval: true, workerData: data });
        w.unref();
        return w;
      };
      return { spawn, cores: os.availableParallelism(), canBlock: true };
    } catch {
      return null;
    }
  }
  if (g.crossOriginIsolated && g.Worker && g.Blob && g.URL) {
    const url = g.URL.createObjectURL(new g.Blob([WEB_WORKER], { type: "text/javascript" }));
    const WebWorker = g.Worker;
    const spawn: Spawn = (data) => {
      const w = new WebWorker(url);
      w.postMessage(data);
      return w;
    };
    // a page's main thread may not block in Atomics.wait: it spins instead
    return { spawn, cores: g.navigator?.hardwareConcurrency ?? 1, canBlock: false };
  }
  return null;
}

/**
 * Worker threads that run a kernel of the same module over the same shared memory, each on its part
 * of the work (the wasm backend splits a large matmul by column panels).
 * @example
 * import { kernelBytes } from "./module.js";
 * const memory = new WebAssembly.Memory({ initial: 256, maximum: 65536, shared: true });
 * const module = new WebAssembly.Module(kernelBytes(false).bytes);
 * const pool = await ThreadPool.create(module, memory, ["matmul_f32_threaded"], 2); // or null where there are no threads
 * pool?.size; // 2
 * await pool?.terminate();
 */
export class ThreadPool {
  private readonly ctrl: Int32Array;
  private readonly workers: { terminate(): unknown }[] = [];
  private broken = false;

  private constructor(
    readonly size: number,
    private readonly names: string[],
    private readonly canBlock: boolean,
  ) {
    this.ctrl = new Int32Array(new SharedArrayBuffer(4 * (ARGS + 1 + MAX_ARGS)));
  }

  /**
   * Starts `size - 1` workers (default: one per core, minus this thread). Resolves to null where
   * threads are unavailable; the pool runs on one thread until the workers are up (`ready`).
   */
  static async create(
    module: WebAssembly.Module,
    memory: WebAssembly.Memory,
    names: string[],
    requested?: number,
  ): Promise<ThreadPool | null> {
    const env = await platform();
    if (env === null) return null;
    const size = requested ?? env.cores;
    if (size < 2) return null;
    const pool = new ThreadPool(size, names, env.canBlock);
    for (let index = 1; index < size; index++) {
      pool.workers.push(
        env.spawn({ module, memory, control: pool.ctrl.buffer as SharedArrayBuffer, index, names }),
      );
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
      if (this.canBlock) Atomics.wait(ctrl, DONE, done, 1000);
    }
    if (Atomics.exchange(ctrl, ERROR, 0) !== 0) {
      this.broken = true;
      throw new BackendError(`wasm thread pool: kernel ${name} failed in a worker thread`);
    }
  }

  async terminate(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
    this.workers.length = 0;
    this.broken = true;
  }
}
