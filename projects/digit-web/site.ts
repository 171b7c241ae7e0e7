/**
 * The web page as a tiny local server: index.html, page.js (page.ts and Strata bundled by esbuild on
 * start) and the trained weights. Used by serve.ts (for a person) and check.ts (for headless Chromium).
 */
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { bundleForBrowser } from "../../scripts/chromium.js";

export interface Site {
  url: string;
  close(): void;
}

/** Serves the page with the weights at `modelPath` on 127.0.0.1 (`port` 0: any free port). */
export async function startSite(modelPath: string, port = 0): Promise<Site> {
  const files: Record<string, [string, string | Uint8Array]> = {
    "/": ["text/html; charset=utf-8", readFileSync(new URL("./index.html", import.meta.url))],
    "/page.js": ["text/javascript", await bundleForBrowser(new URL("./page.ts", import.meta.url).pathname)],
    "/model.safetensors": ["application/octet-stream", readFileSync(modelPath)],
  };
  const server = createServer((req, res) => {
    const file = files[(req.url ?? "/").split("?")[0]];
    if (file === undefined) res.writeHead(404).end();
    else res.writeHead(200, { "Content-Type": file[0] }).end(file[1]);
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: () => server.close(),
  };
}
