/**
 * Running a page in headless Chromium, shared by `scripts/browser_check.ts` (the browser tests) and
 * `tutorials/17-training-in-the-browser.ts`: bundle a page script with esbuild, serve it on 127.0.0.1
 * (optionally cross-origin isolated), let Chromium run it, and read back what the page wrote into its
 * `<pre id="result">`. Needs Debian's chromium (`apt-get install chromium`) or `CHROMIUM=/path`.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { type Server, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, resolve } from "node:path";
import { promisify } from "node:util";
import { CHROMIUM, bundleForBrowser, profileFlags } from "./chromium.js";

const run = promisify(execFile);

/** The Chromium binary: `CHROMIUM` or Debian's `/usr/bin/chromium`. */
export const chromium = CHROMIUM;

/** The page script `entry` (a file path) and everything it imports, as one ES module for browsers. */
export const bundlePage = (entry: string, options: { minify?: boolean } = {}): Promise<string> =>
  bundleForBrowser(entry, options);

/** A page that loads `/page.js` and shows its result in `<pre id="result">`. */
export const RESULT_PAGE =
  '<!doctype html><meta charset="utf-8"><pre id="result">pending</pre><script type="module" src="/page.js"></script>';

/**
 * Serves `html` at every path but `/page.js` (the script), with the cross-origin isolation headers
 * (SharedArrayBuffer, worker threads) when `isolated`. Resolves once listening; close it when done.
 */
export async function servePage(
  script: string,
  options: { isolated?: boolean; html?: string; port?: number } = {},
): Promise<{ server: Server; url: string }> {
  const headers: Record<string, string> = options.isolated
    ? { "Cross-Origin-Opener-Policy": "same-origin", "Cross-Origin-Embedder-Policy": "require-corp" }
    : {};
  const html = options.html ?? RESULT_PAGE;
  const server = createServer((req, res) => {
    if (req.url === "/page.js")
      res.writeHead(200, { ...headers, "Content-Type": "text/javascript" }).end(script);
    else res.writeHead(200, { ...headers, "Content-Type": "text/html" }).end(html);
  });
  await new Promise<void>((r) => server.listen(options.port ?? 0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}/` };
}

/**
 * Loads the served page in headless Chromium until it is idle (at most `virtualTimeMs` of virtual
 * time) and returns the text of its `<pre id="result">`, parsed as JSON when it is JSON; a page that
 * never wrote a result gives `{ ok: false, error }`. With `screenshot` (a PNG path) it saves a picture
 * of the page instead and returns `{ ok }`.
 */
export async function runPage(
  script: string,
  options: {
    isolated?: boolean;
    html?: string;
    query?: string;
    flags?: string[];
    virtualTimeMs?: number;
    screenshot?: string;
    windowSize?: [number, number];
  } = {},
): Promise<Record<string, unknown>> {
  const { server, url } = await servePage(script, options);
  const shot = options.screenshot === undefined ? undefined : resolve(options.screenshot);
  if (shot) {
    mkdirSync(dirname(shot), { recursive: true });
    rmSync(shot, { force: true });
  }
  const [width, height] = options.windowSize ?? [480, 600];
  try {
    const { stdout } = await run(
      chromium,
      [
        ...(options.flags ?? ["--headless", "--disable-gpu"]),
        ...profileFlags(),
        "--disable-quic",
        "--disable-sync",
        `--virtual-time-budget=${options.virtualTimeMs ?? 30_000}`,
        ...(shot ? [`--screenshot=${shot}`, `--window-size=${width},${height}`] : ["--dump-dom"]),
        `${url}${options.query ?? ""}`,
      ],
      { timeout: 120_000, maxBuffer: 16 << 20 },
    );
    if (shot) return existsSync(shot) ? { ok: true } : { ok: false, error: `no screenshot at ${shot}` };
    const m = /<pre id="result"[^>]*>([\s\S]*?)<\/pre>/.exec(stdout);
    const text = (m?.[1] ?? "")
      .replace(/&quot;/g, '"')
      .replace(/&lt;/g, "<")
      .replace(/&gt;/g, ">")
      .replace(/&amp;/g, "&");
    return text.startsWith("{")
      ? JSON.parse(text)
      : { ok: false, error: `page did not finish: ${text || stdout.slice(0, 200)}` };
  } finally {
    server.close();
  }
}
