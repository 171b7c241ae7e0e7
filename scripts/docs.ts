/**
 * The docs site (VitePress, in its own npm package under site/, since TypeDoc needs a TypeScript with a
 * JS API and the root's TypeScript 7 has none). `npm run docs` / `npm run docs:dev`:
 *
 *   npx tsx scripts/docs.ts build              site deps, API reference, pages, vitepress build, page check
 *   npx tsx scripts/docs.ts build --no-check   the same without the headless-Chromium page check
 *   npx tsx scripts/docs.ts check              the page check alone, on the last build
 *   npx tsx scripts/docs.ts dev                the same pages, served by `vitepress dev` (pages regenerate
 *                                              when tutorials/, projects/ or docs/ change)
 *
 * Everything under site/src/ is generated (gitignored); docs/DOCS.md describes the contract.
 */
import { type SpawnSyncOptions, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync, watch } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { repairApiAnchors } from "./docs/api_anchors.js";
import { checkPages } from "./docs/page_check.js";
import { generatePages } from "./docs/pages.js";

const root = resolve(dirname(new URL(import.meta.url).pathname), "..");
const site = join(root, "site");
const siteSrc = join(site, "src");
const sidebarFile = join(site, ".vitepress", "sidebar.generated.json");
const dist = join(site, ".vitepress", "dist");

function step(name: string): () => void {
  const t0 = performance.now();
  console.log(`docs: ${name}`);
  return () => console.log(`docs: ${name} done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

function sh(command: string, args: string[], options: SpawnSyncOptions = {}): void {
  const r = spawnSync(command, args, { stdio: "inherit", ...options });
  if (r.status !== 0) {
    console.error(`docs: ${command} ${args.join(" ")} failed (exit ${r.status ?? r.signal})`);
    process.exit(1);
  }
}

function ensureSiteDeps(): void {
  if (existsSync(join(site, "node_modules"))) return;
  const done = step("installing the site's dependencies (npm ci --prefix site)");
  sh("npm", ["ci", "--prefix", site, "--no-audit", "--no-fund"]);
  done();
}

/** The API reference, from the doc comments of src/index.ts's exports, one page per namespace. */
function apiReference(): void {
  const done = step("API reference (TypeDoc)");
  sh(
    process.execPath,
    [
      join(site, "node_modules", "typedoc", "bin", "typedoc"),
      "--plugin",
      "typedoc-plugin-markdown",
      "--tsconfig",
      join(root, "tsconfig.json"),
      "--entryPoints",
      join(root, "src", "index.ts"),
      "--out",
      join(siteSrc, "api"),
      // the root tsconfig's checks are tsc's job (TypeDoc's TypeScript 6 is only used to read the API)
      "--skipErrorChecking",
      "--readme",
      "none",
      "--entryFileName",
      "index.md",
      // a page per namespace, and one per class (one page for all of nn was too heavy to load)
      "--outputFileStrategy",
      "members",
      "--membersWithOwnFile",
      "Class",
      "--hidePageHeader",
      // "Defined in" would name files of this checkout; the site has no source host to link
      "--disableSources",
      "--logLevel",
      "Error",
    ],
    { cwd: site },
  );
  const repaired = repairApiAnchors(join(siteSrc, "api"));
  if (repaired > 0) console.log(`docs: ${repaired} TypeDoc anchor links pointed at the heading they meant`);
  done();
}

function pages(): void {
  const done = step("pages from tutorials/, projects/ and docs/");
  for (const dir of ["tutorials", "projects", "guides", "public", "index.md"])
    rmSync(join(siteSrc, dir), { recursive: true, force: true });
  const warnings = generatePages(root, siteSrc, sidebarFile);
  for (const w of warnings) console.log(`docs: note: ${w}`);
  done();
}

const args = process.argv.slice(2);
const mode = args.find((a) => !a.startsWith("--")) ?? "build";
if (mode !== "build" && mode !== "dev" && mode !== "check") {
  console.error(`docs: unknown mode ${mode} (build, dev or check)`);
  process.exit(2);
}

async function pageCheck(): Promise<void> {
  const check = step("page check in headless Chromium");
  const { pages: n, failures } = await checkPages(dist, { log: (l) => console.log(`docs: ${l}`) });
  for (const f of failures) console.log(`docs: FAIL ${f}`);
  check();
  if (failures.length > 0) {
    console.error(`docs: page check FAILED: ${failures.length} problems on ${n} pages`);
    process.exit(1);
  }
  console.log(`docs: page check passed: ${n} pages, no console error, broken link or broken image`);
}

if (mode === "check") {
  if (!existsSync(dist)) {
    console.error(`docs: no build to check at ${relative(root, dist)}; run the build first`);
    process.exit(1);
  }
  await pageCheck();
  process.exit(0);
}
const started = performance.now();
ensureSiteDeps();
rmSync(siteSrc, { recursive: true, force: true });
mkdirSync(siteSrc, { recursive: true });
apiReference();
try {
  pages();
} catch (e) {
  console.error(`docs: ${(e as Error).message}`);
  process.exit(1);
}
const vitepress = join(site, "node_modules", "vitepress", "bin", "vitepress.js");

if (mode === "dev") {
  let pending: NodeJS.Timeout | undefined;
  for (const dir of ["tutorials", "projects", "docs"].map((d) => join(root, d)).filter(existsSync))
    watch(dir, { recursive: true }, (_event, name) => {
      if (name && /(^|\/)output\/quick\//.test(String(name))) return;
      clearTimeout(pending);
      pending = setTimeout(() => {
        try {
          pages();
        } catch (e) {
          console.error(`docs: ${(e as Error).message}`);
        }
      }, 300);
    });
  const child = spawn(process.execPath, [vitepress, "dev", "--host", "127.0.0.1"], {
    cwd: site,
    stdio: "inherit",
  });
  child.on("exit", (code) => process.exit(code ?? 0));
} else {
  const build = step("vitepress build");
  sh(process.execPath, [vitepress, "build"], { cwd: site });
  build();
  if (args.includes("--no-check")) {
    console.log("docs: page check skipped (--no-check)");
  } else {
    await pageCheck();
  }
  console.log(
    `docs: site built in ${((performance.now() - started) / 1000).toFixed(1)} s: ${relative(root, dist)}`,
  );
}
