/**
 * `npx tsx bench/webgpu_dawn_probe.ts MODE [N] [K]`: what a synchronous loop accumulates in Dawn's Node
 * binding (the `webgpu` package) without Strata: N one-kernel dispatches, submitted every K (64), printing
 * the process RSS every 10,000. MODE:
 * - `new`: a new bind group per dispatch (what the backend did before docs/WEBGPU.md's "A long
 *   synchronous loop"); `new-yield`: the same with an `await` of an immediate every 1,000 dispatches;
 * - `cached`: 64 bind groups made once and reused;
 * - `submits`: N empty submits (each printed line is then per 1,000).
 */
/// <reference types="@webgpu/types" />
import { findGpu } from "../src/backends/webgpu/device.js";

const mode = process.argv[2] ?? "new";
const n = Number(process.argv[3] ?? 60_000);
const perSubmit = Number(process.argv[4] ?? 64);
const adapter = await (await findGpu()).requestAdapter();
if (!adapter) throw new Error("no WebGPU adapter");
const device = await adapter.requestDevice();
const rss = () => `${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`;

if (mode === "submits") {
  for (let i = 0; i < n; i++) {
    device.queue.submit([device.createCommandEncoder().finish()]);
    if (i % 1000 === 0) console.log(mode, i, rss());
  }
} else {
  const code = `@group(0) @binding(0) var<storage, read> prm: array<i32>;
@group(0) @binding(1) var<storage, read_write> o: array<f32>;
@compute @workgroup_size(64) fn main(@builtin(global_invocation_id) g: vec3<u32>) {
  if (i32(g.x) < prm[0]) { o[g.x] = o[g.x] + 1.0; }
}`;
  const pipeline = device.createComputePipeline({
    layout: "auto",
    compute: { module: device.createShaderModule({ code }), entryPoint: "main" },
  });
  const layout = pipeline.getBindGroupLayout(0);
  const out = device.createBuffer({ size: 4096, usage: GPUBufferUsage.STORAGE });
  const prms = Array.from({ length: 64 }, () =>
    device.createBuffer({ size: 64, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST }),
  );
  const group = (p: GPUBuffer) =>
    device.createBindGroup({
      layout,
      entries: [
        { binding: 0, resource: { buffer: p } },
        { binding: 1, resource: { buffer: out } },
      ],
    });
  const cached = prms.map(group);
  let encoder: GPUCommandEncoder | null = null;
  let pass: GPUComputePassEncoder | null = null;
  for (let i = 0; i < n; i++) {
    if (!encoder || !pass) {
      encoder = device.createCommandEncoder();
      pass = encoder.beginComputePass();
    }
    const k = i % 64;
    const last = i % perSubmit === perSubmit - 1;
    device.queue.writeBuffer(prms[k], 0, new Int32Array([1024]));
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, mode === "cached" ? cached[k] : group(prms[k]));
    pass.dispatchWorkgroups(16);
    if (last) {
      pass.end();
      device.queue.submit([encoder.finish()]);
      encoder = null;
      pass = null;
    }
    if (i % 10_000 === 0) console.log(mode, i, rss());
    if (mode === "new-yield" && i % 1000 === 0) await new Promise((r) => setImmediate(r));
  }
}
await device.queue.onSubmittedWorkDone();
console.log(mode, "done", n, rss());
