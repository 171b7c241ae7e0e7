// Tutorial 17: training in the browser. Bundles the page script in 17-training-in-the-browser/
// (page.ts, which imports "strata-dl" like any app) with esbuild, serves it, opens it in headless
// Chromium, and prints what the page reports.
//   npx tsx tutorials/17-training-in-the-browser.ts                 (full mode)
//   STRATA_QUICK=1 npx tsx tutorials/17-training-in-the-browser.ts  (a quick check)
//   npx tsx tutorials/17-training-in-the-browser.ts --serve         (serve it: open the URL in your browser)
import { readFileSync } from "node:fs";
import { bundlePage, runPage, servePage } from "../scripts/headless.js";

const quick = process.env.STRATA_QUICK === "1";
const outDir = quick ? "tutorials/output/quick" : "tutorials/output";
const folder = new URL("./17-training-in-the-browser/", import.meta.url);

// Step 1: bundle. esbuild follows the imports of page.ts (Strata included) and writes one ES module
// a browser can load. Strata has no Node-only import at load time, so nothing needs to be stubbed.
const started = performance.now();
const script = await bundlePage(new URL("page.ts", folder).pathname, { minify: true });
console.log(
  `bundled page.ts with Strata: ${(script.length / 1024).toFixed(0)} KiB in ${((performance.now() - started) / 1000).toFixed(1)} s`,
);
const html = readFileSync(new URL("index.html", folder), "utf8");

// With --serve, keep serving the page for a real browser (cross-origin isolated, so Strata can use
// worker threads) and stop here.
if (process.argv.includes("--serve")) {
  const { url } = await servePage(script, { html, isolated: true, port: 8017 });
  console.log(`open ${url} in your browser (Ctrl-C to stop)`);
  await new Promise(() => {});
}

// Step 2: run it in headless Chromium and read back the JSON the page wrote into <pre id="result">.
// The server sends the two headers that make the page cross-origin isolated, so Strata gets shared
// memory and a pool of Web Workers; without them it runs on one thread and says so in the console.
const query = quick ? "?quick=1" : "";
const result = await runPage(script, { html, isolated: true, query });
console.log("the page reported:");
for (const [key, value] of Object.entries(result)) {
  console.log(`  ${key}: ${typeof value === "number" ? +value.toFixed(4) : value}`);
}

// Step 3: in full mode, take a screenshot of the page to see what it drew.
if (!quick) {
  const shot = await runPage(script, {
    html,
    isolated: true,
    screenshot: `${outDir}/17-training-in-the-browser-page.png`,
  });
  console.log(`screenshot: ${shot.ok === false ? shot.error : "written"}`);
}

// Step 4: the check. The page must have finished, trained on wasm, and learned the spirals.
if (result.ok !== true) throw new Error(`the page failed: ${result.error}`);
const accuracy = result.testAccuracy as number;
if (!(accuracy > 0.8))
  throw new Error(`test accuracy ${accuracy} in the browser: the model did not learn the spirals`);
console.log(
  `check passed: ${(100 * accuracy).toFixed(1)}% of new spiral points classified right in the browser`,
);
