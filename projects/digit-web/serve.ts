/**
 * Opens the digit recogniser for a person: serves the page with the recorded weights (or the ones of
 * the last quick run with STRATA_QUICK=1) and prints the address to open in a browser.
 *
 *   npx tsx projects/digit-web/serve.ts            # http://127.0.0.1:8080/
 *   PORT=9000 npx tsx projects/digit-web/serve.ts
 */
import { startSite } from "./site.js";

const folder = process.env.STRATA_QUICK === "1" ? "./output/quick/" : "./output/";
const site = await startSite(
  new URL(`${folder}model.safetensors`, import.meta.url).pathname,
  Number(process.env.PORT ?? 8080),
);
console.log(`Open ${site.url} in a browser and draw a digit (Ctrl-C stops the server).`);
