import { BackendError, ValueError } from "../base/errors.js";
import type { Backend } from "./backend.js";
import { RefBackend } from "./ref/index.js";
import { WasmBackend, createWasmBackend } from "./wasm/index.js";
import { wasmSupported } from "./wasm/module.js";
import { createWebGpuBackend } from "./webgpu/index.js";

const factories = new Map<string, () => Backend>([
  ["ref", () => new RefBackend()],
  ["wasm", () => new WasmBackend()],
]);
/** Backends whose creation is asynchronous (a GPU device is requested, never blocked on). */
const asyncFactories = new Map<string, () => Promise<Backend>>([["webgpu", createWebGpuBackend]]);
const creating = new Map<string, Promise<Backend>>();
const instances = new Map<string, Backend>();
let current: Backend | null = null;

/**
 * Makes a backend available to `setBackend` under `name`.
 * @example
 * registerBackend("my-ref", () => new RefBackend()); // a backend of yours, e.g. over WebGPU
 * setBackend("my-ref");
 * zeros([2]).backend.name; // "ref"
 */
export function registerBackend(name: string, factory: () => Backend): void {
  factories.set(name, factory);
}

/**
 * Makes a backend that is created asynchronously (e.g. one that must request a GPU device) available
 * to `await setBackend(name)` and `await ready(name)`.
 * @example
 * registerAsyncBackend("my-async-ref", async () => new RefBackend());
 * (await setBackend("my-async-ref")).name; // "ref"
 * setBackend("wasm");
 */
export function registerAsyncBackend(name: string, factory: () => Promise<Backend>): void {
  asyncFactories.set(name, factory);
}

async function createAsync(name: string, factory: () => Promise<Backend>): Promise<Backend> {
  let pending = creating.get(name);
  if (!pending) {
    pending = factory();
    creating.set(name, pending);
    // a failed creation (no adapter) may be retried later
    pending.catch(() => creating.delete(name));
  }
  const b = await pending;
  instances.set(name, b);
  return b;
}

/**
 * Chooses where new tensors live and ops run: "wasm" (WebAssembly SIMD, the default where it runs),
 * "ref" (the pure-TypeScript reference backend) or "webgpu" (the GPU; created asynchronously, so
 * `await setBackend("webgpu")`: the promise rejects with BackendError where no adapter exists).
 * @example
 * setBackend("ref");
 * randn([2, 2]).backend.name; // "ref"
 * setBackend("gpu"); // throws ValueError: unknown backend "gpu"; registered: ref, wasm, webgpu
 */
export function setBackend(name: "webgpu"): Promise<Backend>;
export function setBackend(name: string): Backend;
export function setBackend(name: string): Backend | Promise<Backend> {
  const factory = factories.get(name);
  const asyncFactory = asyncFactories.get(name);
  if (!factory && asyncFactory) {
    const existing = instances.get(name);
    if (existing) {
      current = existing;
      return Promise.resolve(existing);
    }
    return createAsync(name, asyncFactory).then((b) => {
      current = b;
      return b;
    });
  }
  if (!factory) {
    throw new ValueError(`setBackend: unknown backend "${name}"; registered: ${listBackends().join(", ")}`);
  }
  let b = instances.get(name);
  if (!b) {
    b = factory();
    instances.set(name, b);
  }
  current = b;
  return b;
}

function envBackend(): string | undefined {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  return env?.STRATA_BACKEND || undefined;
}

/**
 * The backend new tensors are created on. Unless `setBackend` chose one (or the STRATA_BACKEND
 * environment variable names one), that is wasm where WebAssembly SIMD and shared memory exist and the
 * kernels can be compiled synchronously (Node), else the reference backend; in browsers, `await ready()`
 * first to get wasm.
 * @example
 * getBackend().name; // wasm in Node, unless STRATA_BACKEND says otherwise
 * getBackend().memory().bytes; // bytes its live tensors hold
 */
export function getBackend(): Backend {
  if (current) return current;
  const named = envBackend();
  if (named && asyncFactories.has(named) && !factories.has(named)) {
    const made = instances.get(named);
    if (made) {
      current = made;
      return made;
    }
    throw new BackendError(
      `getBackend: STRATA_BACKEND=${named} is created asynchronously; call \`await ready()\` (or ` +
        `\`await setBackend("${named}")\`) before making tensors`,
    );
  }
  if (named) return setBackend(named);
  if (wasmSupported()) {
    try {
      return setBackend("wasm");
    } catch {
      // a browser main thread refuses synchronous compilation; ready() compiles asynchronously
    }
  }
  return setBackend("ref");
}

/**
 * Prepares a backend asynchronously and makes it current. Without a name: the one STRATA_BACKEND
 * names, else the current one, else wasm (compiling its kernels, with relaxed SIMD where the engine
 * has it). With a name ("webgpu", "wasm", ...): that one. Call it once before creating tensors in a
 * browser, and before using webgpu anywhere; in Node with wasm it is optional.
 * @example
 * const backend = await ready(); // wasm, with its worker threads started
 * randn([2]).backend === backend; // true
 * // await ready("webgpu") makes the GPU current (BackendError where there is no adapter)
 */
export async function ready(name?: string): Promise<Backend> {
  const wanted = name ?? (current ? undefined : envBackend());
  if (wanted !== undefined && asyncFactories.has(wanted) && !factories.has(wanted)) {
    const b = await setBackend(wanted as "webgpu");
    await b.settled?.();
    return b;
  }
  if (name !== undefined && name !== "wasm") {
    const b = setBackend(name);
    await b.settled?.();
    return b;
  }
  if (current && current.name !== "ref" && (name === undefined || current.name === name)) {
    await current.settled?.();
    return current;
  }
  if (name === undefined && envBackend()) return getBackend();
  if (!wasmSupported()) return getBackend();
  if (!instances.has("wasm")) instances.set("wasm", await createWasmBackend());
  const backend = setBackend("wasm");
  await backend.settled?.();
  return backend;
}

/**
 * The names `setBackend` accepts: the built-in backends and those given to `registerBackend`.
 * @example
 * listBackends().includes("ref"); // true
 */
export function listBackends(): string[] {
  return [...factories.keys(), ...asyncFactories.keys()];
}

/**
 * What a backend is and where it runs, as {@link backendInfo} reports it.
 * @example
 * const info: BackendInfo = backendInfo(setBackend("ref"));
 * info; // { name: "ref", asyncReads: false, adapter: null }
 * setBackend("wasm");
 */
export interface BackendInfo {
  /** The name `setBackend` knows it by ("ref", "wasm", "webgpu", ...). */
  name: string;
  /** True where values can only be read asynchronously (`await t.data()`), as on a GPU. */
  asyncReads: boolean;
  /**
   * The GPU adapter the backend runs on, as the driver names it (webgpu), or null on the CPU
   * backends. On a machine without a GPU, webgpu may run on a CPU driver such as lavapipe
   * ("llvmpipe: Mesa ..."), which this tells apart from a real GPU.
   */
  adapter: string | null;
}

/**
 * Describes a backend (by default the current one): its name, whether it reads asynchronously, and
 * for webgpu the adapter it got, to print in a log or to check that the GPU is the one you expect.
 * @example
 * backendInfo(setBackend("wasm")).name; // "wasm"
 * backendInfo().adapter; // null: a CPU backend
 * // on a GPU: const info = backendInfo(await setBackend("webgpu"));
 * // console.log(`training on ${info.adapter}`); // e.g. "training on NVIDIA H200"
 */
export function backendInfo(backend: Backend = getBackend()): BackendInfo {
  return {
    name: backend.name,
    asyncReads: backend.asyncReads === true,
    adapter: backend.adapterName || null,
  };
}
