/**
 * What every headless-Chromium check of this repository shares: where Chromium is, how a page script is
 * bundled for the browser, and the flags that keep a throwaway profile quiet. Used by
 * `scripts/headless.ts` (browser checks, tutorial 17) and the digit-web project.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";

/** Debian's chromium (`apt-get install chromium`), or `CHROMIUM` from the environment. */
export const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";

/** One ES module for the browser holding `entry` and everything it imports (Strata included). */
export async function bundleForBrowser(entry: string, options: { minify?: boolean } = {}): Promise<string> {
  const out = await build({
    entryPoints: [entry],
    bundle: true,
    platform: "browser",
    format: "esm",
    minify: options.minify ?? false,
    // the Node-only Dawn package is imported by a name esbuild cannot see; nothing else is external
    external: ["node:*", "webgpu"],
    write: false,
    logLevel: "silent",
  });
  return out.outputFiles[0].text;
}

/** Flags for a headless run in a fresh profile: no sandbox (containers), no first-run or background traffic. */
export function profileFlags(): string[] {
  return [
    "--no-sandbox",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    `--user-data-dir=${mkdtempSync(join(tmpdir(), "strata-chromium-"))}`,
  ];
}
