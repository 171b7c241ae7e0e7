/**
 * Setup of `npm run test:webgpu`: the device is created before the test file is collected and webgpu
 * becomes the default backend, so a suite outside describeEachBackend runs there as well. Without an
 * adapter (no GPU, no Vulkan driver such as Mesa's lavapipe) the reason is printed and the webgpu suites skip.
 */
import "./setup.js";
import { afterAll } from "vitest";
import { getBackend, setBackend } from "../../src/backends/registry.js";
import { setWebgpuUnavailable } from "./webgpu_run.js";

try {
  await setBackend("webgpu");
} catch (e) {
  const reason = (e as Error).message;
  setWebgpuUnavailable(reason);
  console.warn(`webgpu suites skipped, no WebGPU adapter: ${reason}`);
}

// the file's GPU work finishes before its worker exits (a worker once exited mid-queue and crashed)
afterAll(async () => {
  await getBackend().settled?.();
});
