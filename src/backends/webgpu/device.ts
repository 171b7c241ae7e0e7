/// <reference types="@webgpu/types" />
import { BackendError } from "../../base/errors.js";
import { isNode } from "../../base/platform.js";

const FALLBACK = 'Use setBackend("wasm") (WebAssembly on the CPU) instead.';

/**
 * The `GPU` entry point: `navigator.gpu` in browsers; in Node, Dawn from the optional `webgpu` npm
 * package, imported only now (so nothing loads it unless the webgpu backend is asked for).
 * @example
 * typeof findGpu; // "function": `await findGpu()` is the GPU object, or throws BackendError
 */
export async function findGpu(): Promise<GPU> {
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  if (nav?.gpu) return nav.gpu;
  if (!isNode()) {
    throw new BackendError(`webgpu backend: this browser has no navigator.gpu (WebGPU). ${FALLBACK}`);
  }
  // a variable module name keeps bundlers from pulling the native addon into browser bundles
  const name = "webgpu";
  let mod: { create(flags: string[]): GPU; globals: object };
  try {
    mod = (await import(/* @vite-ignore */ name)) as typeof mod;
  } catch (e) {
    throw new BackendError(
      `webgpu backend: the optional "webgpu" npm package (Dawn) could not be loaded (${(e as Error).message}); ` +
        `install it with \`npm i webgpu\`. ${FALLBACK}`,
    );
  }
  // Dawn's classes (GPUBufferUsage, GPUMapMode, ...) are what browsers put on globalThis
  for (const [k, v] of Object.entries(mod.globals)) {
    if (!(k in globalThis)) (globalThis as Record<string, unknown>)[k] = v;
  }
  // Dawn's instance must stay referenced while the device lives: once the JS object is collected, its
  // event processing touches freed memory (a segfault on the first dispatch)
  dawnInstance ??= mod.create([]);
  return dawnInstance;
}
let dawnInstance: GPU | undefined;

/**
 * Requests an adapter and a device with the adapter's largest buffer limits.
 * @example
 * typeof acquireDevice; // "function": `await acquireDevice()` gives { device, adapterName }
 */
export async function acquireDevice(): Promise<{
  device: GPUDevice;
  adapter: GPUAdapter;
  adapterName: string;
}> {
  const gpu = await findGpu();
  const adapter = await gpu.requestAdapter({ powerPreference: "high-performance" });
  if (!adapter) {
    throw new BackendError(
      "webgpu backend: no WebGPU adapter on this machine (no GPU, or no Vulkan/Metal/D3D12 driver; " +
        `on Linux without a GPU, Mesa's lavapipe gives one: see docs/WEBGPU.md). ${FALLBACK}`,
    );
  }
  const lim = adapter.limits;
  const device = await adapter.requestDevice({
    requiredLimits: {
      maxStorageBufferBindingSize: lim.maxStorageBufferBindingSize,
      maxBufferSize: lim.maxBufferSize,
      maxStorageBuffersPerShaderStage: Math.min(lim.maxStorageBuffersPerShaderStage, 8),
      maxComputeWorkgroupsPerDimension: lim.maxComputeWorkgroupsPerDimension,
    },
  });
  const info = (adapter as { info?: { description?: string; vendor?: string; architecture?: string } }).info;
  const adapterName = info?.description || [info?.vendor, info?.architecture].filter(Boolean).join(" ");
  return { device, adapter, adapterName: adapterName || "unknown adapter" };
}
