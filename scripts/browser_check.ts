/**
 * Runs Strata in a real headless Chromium: bundles test/browser/page.ts, serves it on 127.0.0.1 twice
 * (with cross-origin isolation headers, so SharedArrayBuffer exists, and without), and reads back what
 * the page wrote. Needs Debian's chromium (`apt-get install chromium`); `npm run test:browser`.
 */
import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RESULT_PAGE, bundlePage, chromium, runPage } from "./headless.js";

const bundle = (page: string) => bundlePage(new URL(`../test/browser/${page}`, import.meta.url).pathname);
const script = await bundle("page.ts");
/** Chromium's WebGPU without a GPU: Vulkan through SwiftShader (the flags measured in shared/GPU.md). */
const WEBGPU_FLAGS = [
  "--headless=new",
  "--enable-unsafe-webgpu",
  "--enable-features=Vulkan",
  "--use-vulkan=native",
  "--use-webgpu-adapter=default",
];
const check = (isolated: boolean) => runPage(script, { isolated });

/** The page's hand-written loop held no more tensors after its last epoch than after its first. */
function handLoopFlat(loop: unknown): boolean {
  const { first, last } = (loop ?? {}) as { first?: unknown; last?: unknown };
  return typeof first === "number" && typeof last === "number" && last <= first + 8;
}

let failed = false;
for (const isolated of [true, false]) {
  const r = await check(isolated);
  console.log(`${isolated ? "cross-origin isolated" : "not isolated"}: ${JSON.stringify(r)}`);
  const good =
    r.ok === true &&
    r.backend === "wasm" &&
    typeof r.accuracy === "number" &&
    r.accuracy > 0.9 &&
    handLoopFlat(r.handLoop) &&
    typeof r.matmulError === "number" &&
    r.matmulError < 1e-3 &&
    // an isolated page has SharedArrayBuffer, so the worker pool must be up
    (!isolated || (r.sharedMemory === true && typeof r.threads === "number" && r.threads > 1));
  if (!good) failed = true;
}
/**
 * The webgpu page: virtual time (what --dump-dom waits on) runs ahead while the GPU works, so this page
 * POSTs its result to the server instead, and Chromium runs in real time until it arrives (2 min at most).
 */
async function checkWebgpu(): Promise<Record<string, unknown>> {
  const pageScript = await bundle("webgpu_page.ts");
  const page = RESULT_PAGE;
  let resolve: (r: Record<string, unknown>) => void = () => {};
  const result = new Promise<Record<string, unknown>>((r) => {
    resolve = r;
  });
  const server = createServer((req, res) => {
    if (req.method === "POST" && req.url === "/result") {
      let body = "";
      req.on("data", (c) => {
        body += c;
      });
      req.on("end", () => {
        res.writeHead(200).end();
        resolve(JSON.parse(body));
      });
    } else if (req.url === "/page.js")
      res.writeHead(200, { "Content-Type": "text/javascript" }).end(pageScript);
    else res.writeHead(200, { "Content-Type": "text/html" }).end(page);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  const child = spawn(
    chromium,
    [
      ...WEBGPU_FLAGS,
      "--no-sandbox",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      `--user-data-dir=${mkdtempSync(join(tmpdir(), "strata-chromium-"))}`,
      `http://127.0.0.1:${port}/`,
    ],
    { stdio: "ignore" },
  );
  const timer = setTimeout(() => resolve({ ok: false, error: "no result within 120 s" }), 120_000);
  try {
    return await result;
  } finally {
    clearTimeout(timer);
    child.kill();
    server.close();
  }
}

// webgpu in the page: a failure to get an adapter is reported, not failed (Chromium's WebGPU without
// a GPU depends on its Vulkan/SwiftShader build); wrong values once it runs are failures
const gpu = await checkWebgpu();
console.log(`webgpu: ${JSON.stringify(gpu)}`);
if (gpu.ok === true) {
  const product =
    JSON.stringify(gpu.product) ===
    JSON.stringify([
      [7, 10],
      [15, 22],
    ]);
  if (!(gpu.backend === "webgpu" && product && typeof gpu.accuracy === "number" && gpu.accuracy > 0.9))
    failed = true;
} else {
  console.log("webgpu: no adapter in this Chromium; the webgpu page check was skipped");
}
console.log(failed ? "browser check FAILED" : "browser check passed");
process.exit(failed ? 1 : 0);
