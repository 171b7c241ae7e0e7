/**
 * State of a webgpu test run (vitest.webgpu.config.ts): its setup file creates the device once per
 * test file and makes webgpu the default backend, or records why there is none.
 */
let unavailable: string | null = null;

/** Why this run has no webgpu backend (no adapter), or null when it has one or was not asked for. */
export function webgpuUnavailable(): string | null {
  return unavailable;
}

/** @internal the setup file's verdict */
export function setWebgpuUnavailable(reason: string): void {
  unavailable = reason;
}
