/**
 * Runs Strata in a real headless Chromium: bundles test/browser/page.ts, serves it on 127.0.0.1 twice
 * (with cross-origin isolation headers, so SharedArrayBuffer exists, and without), and reads back what
 * the page wrote. Needs Debian's chromium (`apt-get install chromium`); `npm run test:browser`.
 */
import { execFile } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { build } from "esbuild";

const run = promisify(execFile);
const chromium = process.env.CHROMIUM ?? "/usr/bin/chromium";

const bundle = await build({
  entryPoints: [new URL("../test/browser/page.ts", import.meta.url).pathname],
  bundle: true,
  platform: "browser",
  format: "esm",
  external: ["node:*"],
  write: false,
  logLevel: "silent",
});
const script = bundle.outputFiles[0].text;
const html =
  '<!doctype html><meta charset="utf-8"><pre id="result">pending</pre><script type="module" src="/page.js"></script>';

async function check(isolated: boolean): Promise<Record<string, unknown>> {
  const server = createServer((req, res) => {
    const headers: Record<string, string> = isolated
      ? { "Cross-Origin-Opener-Policy": "same-origin", "Cross-Origin-Embedder-Policy": "require-corp" }
      : {};
    if (req.url === "/page.js")
      res.writeHead(200, { ...headers, "Content-Type": "text/javascript" }).end(script);
    else res.writeHead(200, { ...headers, "Content-Type": "text/html" }).end(html);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  try {
    const { stdout } = await run(
      chromium,
      [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        `--user-data-dir=${mkdtempSync(join(tmpdir(), "strata-chromium-"))}`,
        "--virtual-time-budget=30000",
        "--dump-dom",
        `http://127.0.0.1:${port}/`,
      ],
      { timeout: 120_000, maxBuffer: 16 << 20 },
    );
    const m = /<pre id="result">([\s\S]*?)<\/pre>/.exec(stdout);
    const text = (m?.[1] ?? "")
      .replace(/&quot;/g, '"')
      .replace(/&amp;/g, "&")
      .replace(/&lt;/g, "<")
      .replace(/&gt;/g, ">");
    return text.startsWith("{")
      ? JSON.parse(text)
      : { ok: false, error: `page did not finish: ${text || stdout.slice(0, 200)}` };
  } finally {
    server.close();
  }
}

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
console.log(failed ? "browser check FAILED" : "browser check passed");
process.exit(failed ? 1 : 0);
