/**
 * The built site in headless Chromium: every page is loaded (one browser walks them all, each page asking
 * the server for the next), and the check fails on any console error, uncaught error or failed resource,
 * any request that 404s, any image that did not load (naturalWidth 0), and any internal link whose page,
 * file or #anchor is not in the build. Served on 127.0.0.1 only, from the built folder as a static host
 * would; a probe script is put at the top of each page's <head> so it sees everything the page does.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { extname, join, relative, sep } from "node:path";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript",
  ".css": "text/css",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".woff2": "font/woff2",
  ".txt": "text/plain; charset=utf-8",
  ".csv": "text/plain; charset=utf-8",
  ".wasm": "application/wasm",
};

/** Runs in each page before its own scripts; reports to the server once the page has settled. */
const PROBE = `<script>(() => {
  const errors = [];
  const show = (a) => (a instanceof Error ? a.stack || a.message : typeof a === "object" ? JSON.stringify(a) : String(a));
  const original = console.error.bind(console);
  console.error = (...a) => { errors.push("console.error: " + a.map(show).join(" ")); original(...a); };
  addEventListener("error", (e) => {
    if (e instanceof ErrorEvent) errors.push("uncaught: " + e.message);
    else if (e.target && e.target !== window) errors.push("failed to load: " + (e.target.src || e.target.href || e.target.tagName));
  }, true);
  addEventListener("unhandledrejection", (e) => errors.push("unhandled rejection: " + show(e.reason)));
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const settle = async () => {
    const t0 = Date.now();
    while (!document.getElementById("app")?.__vue_app__ && Date.now() - t0 < 15000) await sleep(50);
    if (!document.getElementById("app")?.__vue_app__) errors.push("the page's app did not start within 15 s");
    await sleep(300);
    for (const img of document.images) img.loading = "eager";
    const t1 = Date.now();
    while ([...document.images].some((i) => !i.complete) && Date.now() - t1 < 15000) await sleep(50);
    const broken = [...document.images].filter((i) => i.naturalWidth === 0).map((i) => i.currentSrc || i.src);
    const links = [...document.querySelectorAll("a[href]")].map((a) => a.href);
    const ids = [...document.querySelectorAll("[id]")].map((e) => e.id);
    const r = await fetch("/__report", { method: "POST", body: JSON.stringify({ page: location.pathname, errors, broken, links, ids }) });
    const { next } = await r.json();
    if (next) location.href = next;
  };
  if (document.readyState === "complete") settle(); else addEventListener("load", settle);
})();</script>`;

interface Report {
  page: string;
  errors: string[];
  broken: string[];
  links: string[];
  ids: string[];
}

/** The built file a URL path names, as a static host (VitePress's own preview) resolves it. */
export function resolvePath(dist: string, urlPath: string): string | undefined {
  let path: string;
  try {
    path = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  const file = join(dist, ...path.split("/"));
  if (relative(dist, file).startsWith("..")) return undefined;
  const candidates = path.endsWith("/")
    ? [join(file, "index.html")]
    : [file, `${file}.html`, join(file, "index.html")];
  return candidates.find((c) => existsSync(c) && statSync(c).isFile());
}

/** The pages of the build: every .html except the copied files under /files/ and the 404 page. */
function pagesOf(dist: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) {
        if (path !== join(dist, "files")) walk(path);
      } else if (name.endsWith(".html") && path !== join(dist, "404.html")) {
        out.push(`/${relative(dist, path).split(sep).join("/")}`.replace(/(^|\/)index\.html$/, "$1"));
      }
    }
  };
  walk(dist);
  return out;
}

/** Checks every page of `dist`; returns what failed (empty when all is well). */
export async function checkPages(
  dist: string,
  options: { chromium?: string; log?: (line: string) => void; pageTimeoutS?: number } = {},
): Promise<{ pages: number; failures: string[] }> {
  const chromium = options.chromium ?? process.env.CHROMIUM ?? "/usr/bin/chromium";
  const log = options.log ?? (() => {});
  const pageTimeout = (options.pageTimeoutS ?? 30) * 1000;
  const pages = pagesOf(dist);
  const failures: string[] = [];
  const reports = new Map<string, Report>();
  let index = 0;
  let onReport: () => void = () => {};

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    if (req.method === "POST" && url.pathname === "/__report") {
      let body = "";
      req.on("data", (c) => {
        body += c;
      });
      req.on("end", () => {
        const report = JSON.parse(body) as Report;
        reports.set(report.page, report);
        index++;
        res
          .writeHead(200, { "Content-Type": "application/json" })
          .end(JSON.stringify({ next: pages[index] ?? null }));
        onReport();
      });
      return;
    }
    const file = resolvePath(dist, url.pathname);
    if (!file) {
      // favicon.ico is asked for by the browser itself, not by a page
      if (url.pathname !== "/favicon.ico")
        failures.push(`${url.pathname}: 404 (requested by ${req.headers.referer ?? "the browser"})`);
      res.writeHead(404).end();
      return;
    }
    const type = TYPES[extname(file).toLowerCase()] ?? "application/octet-stream";
    let content: string | Buffer = readFileSync(file);
    if (type.startsWith("text/html")) content = content.toString("utf8").replace(/<head>/i, (h) => h + PROBE);
    res.writeHead(200, { "Content-Type": type }).end(content);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  const profile = mkdtempSync(join(tmpdir(), "strata-site-check-"));

  try {
    // one browser walks the pages; if a page stops reporting, it is a failure and a new browser
    // starts at the next page
    while (index < pages.length) {
      const startedAt = index;
      const child = spawn(
        chromium,
        [
          "--headless=new",
          "--no-sandbox",
          "--disable-gpu",
          "--no-first-run",
          "--disable-background-networking",
          "--disable-component-update",
          "--disable-sync",
          `--user-data-dir=${profile}`,
          `${origin}${pages[index]}`,
        ],
        // its own process group, so that the renderer and helper processes die with it and stop
        // writing into the profile before it is removed
        { stdio: "ignore", detached: true },
      );
      const exited = new Promise<void>((r) => child.on("exit", () => r()));
      await new Promise<void>((resolve) => {
        let timer: NodeJS.Timeout;
        const arm = () => {
          clearTimeout(timer);
          if (index >= pages.length) return resolve();
          timer = setTimeout(resolve, pageTimeout);
        };
        onReport = arm;
        arm();
        void exited.then(() => {
          clearTimeout(timer);
          resolve();
        });
      });
      try {
        process.kill(-(child.pid as number), "SIGKILL");
      } catch {
        child.kill("SIGKILL"); // the group is gone already, or no group could be made
      }
      await exited;
      if (index < pages.length) {
        failures.push(
          `${pages[index]}: did not report within ${pageTimeout / 1000} s (or the browser exited)`,
        );
        index++;
      }
      log(`page check: ${index - startedAt} pages in one browser`);
    }
  } finally {
    server.close();
    // a helper that outlived the group can still be closing files: retry rather than fail the check
    rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
  }

  // by built file, so /guides/ and /guides/index.html are the same page
  const byFile = new Map([...reports.values()].map((r) => [resolvePath(dist, r.page), r]));
  /** each missing target once, with the pages that link to it (a sidebar link is on every page) */
  const missing = new Map<string, string[]>();
  for (const [page, r] of reports) {
    for (const e of r.errors) failures.push(`${page}: ${e}`);
    for (const src of r.broken) failures.push(`${page}: image did not load: ${src}`);
    for (const href of new Set(r.links)) {
      const link = new URL(href);
      if (link.origin !== origin) continue;
      const file = resolvePath(dist, link.pathname);
      const target = byFile.get(file);
      const id = decodeURIComponent(link.hash.slice(1));
      let why: string | undefined;
      if (!file) why = `${link.pathname}, which is not in the build`;
      else if (link.hash && target && !target.ids.includes(id))
        why = `${link.pathname}${link.hash}, an anchor that page lacks`;
      if (why) missing.set(why, [...(missing.get(why) ?? []), page]);
    }
  }
  for (const [why, from] of missing) {
    const more = from.length > 3 ? ` and ${from.length - 3} more pages` : "";
    failures.push(`link to ${why} (on ${from.slice(0, 3).join(", ")}${more})`);
  }
  return { pages: pages.length, failures: [...new Set(failures)] };
}
