import { ValueError } from "../base/errors.js";
import type { Backend } from "./backend.js";
import { RefBackend } from "./ref/index.js";
import { WasmBackend, createWasmBackend } from "./wasm/index.js";
import { wasmSupported } from "./wasm/module.js";

const factories = new Map<string, () => Backend>([
  ["ref", () => new RefBackend()],
  ["wasm", () => new WasmBackend()],
]);
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
 * Chooses where new tensors live and ops run: "wasm" (WebAssembly SIMD, the default where it runs)
 * or "ref" (the pure-TypeScript reference backend).
 * @example
 * setBackend("ref");
 * randn([2, 2]).backend.name; // "ref"
 * setBackend("gpu"); // throws ValueError: unknown backend "gpu"; registered: ref, wasm
 */
export function setBackend(name: string): Backend {
  const factory = factories.get(name);
  if (!factory) {
    throw new ValueError(
      `setBackend: unknown backend "${name}"; registered: ${[...factories.keys()].join(", ")}`,
    );
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
 * Prepares the fastest available backend, asynchronously: compiles the wasm kernels (with relaxed SIMD
 * where the engine has it) and makes wasm the current backend. Call it once before creating tensors
 * in a browser; in Node it is optional.
 * @example
 * const backend = await ready(); // wasm, with its worker threads started
 * randn([2]).backend === backend; // true
 */
export async function ready(): Promise<Backend> {
  if (current && current.name !== "ref") {
    await current.settled?.();
    return current;
  }
  if (envBackend()) return getBackend();
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
  return [...factories.keys()];
}
