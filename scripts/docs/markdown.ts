/**
 * The markdown contract of tutorials and projects (BRIEF in docs/DOCS.md), as pure text transforms:
 * `<!-- include: PATH -->` lines become fenced code, relative links to pages become site routes, and
 * relative links and images to other files become copies under the site's public folder. Kept free of
 * file-system writes so `test/scripts/docs_markdown.test.ts` can check them on strings.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, extname, isAbsolute, join, relative, resolve, sep } from "node:path";

/** What a transform needs to know about the site being built. */
export interface SiteContext {
  /** repository root (absolute) */
  root: string;
  /** absolute path of each source `.md` that becomes a page → its route (`/tutorials/03-by-hand`) */
  routes: ReadonlyMap<string, string>;
  /** a file the page links to or shows: copied into the site, returns its URL there */
  asset(absPath: string): string;
  /** a link the site cannot follow and that was reduced to its text */
  warn(message: string): void;
}

const LANGUAGES: Record<string, string> = {
  ".ts": "ts",
  ".mts": "ts",
  ".js": "js",
  ".mjs": "js",
  ".txt": "text",
  ".html": "html",
  ".json": "json",
  ".py": "python",
  ".sh": "sh",
  ".css": "css",
  ".csv": "text",
  ".md": "md",
};

/** The fence language for a file, from its extension (`text` when unknown). */
export function languageOf(path: string): string {
  return LANGUAGES[extname(path).toLowerCase()] ?? "text";
}

/** A fenced block holding `content`, its fence longer than any backtick run inside it. */
export function fence(content: string, language: string): string {
  const longest = Math.max(0, ...[...content.matchAll(/`+/g)].map((m) => m[0].length));
  const ticks = "`".repeat(Math.max(3, longest + 1));
  return `${ticks}${language}\n${content.replace(/\n+$/, "")}\n${ticks}`;
}

const FENCE_OPEN = /^ {0,3}(`{3,}|~{3,})/;

/**
 * Calls `outside` on each line that is not inside a fenced code block, keeps the others as they are
 * (code is shown, never rewritten).
 */
function mapOutsideFences(markdown: string, outside: (line: string) => string): string {
  let open: string | undefined;
  return markdown
    .split("\n")
    .map((line) => {
      const m = FENCE_OPEN.exec(line);
      if (open === undefined) {
        if (m) {
          open = m[1];
          return line;
        }
        return outside(line);
      }
      if (m && m[1][0] === open[0] && m[1].length >= open.length && line.trim() === m[1]) open = undefined;
      return line;
    })
    .join("\n");
}

const INCLUDE = /^\s*<!--\s*include:\s*(\S+)\s*-->\s*$/;

/**
 * Replaces each line that is exactly `<!-- include: PATH -->` (PATH relative to `dir`) by a fenced block
 * holding that file. A missing file is an error naming the page and the path: a page must not quietly
 * lose its code.
 */
export function expandIncludes(
  markdown: string,
  dir: string,
  read: (absPath: string) => string = (p) => readFileSync(p, "utf8"),
): string {
  return mapOutsideFences(markdown, (line) => {
    const m = INCLUDE.exec(line);
    if (!m) return line;
    const path = resolve(dir, m[1]);
    let content: string;
    try {
      content = read(path);
    } catch {
      throw new Error(`include: ${m[1]} does not exist`);
    }
    return fence(content, languageOf(path));
  });
}

/** The text of the first `# ` heading, if any (outside code). */
export function firstHeading(markdown: string): string | undefined {
  let found: string | undefined;
  mapOutsideFences(markdown, (line) => {
    const m = /^# +(.+?)\s*#*\s*$/.exec(line);
    if (m && found === undefined) found = m[1];
    return line;
  });
  return found;
}

function isRelative(url: string): boolean {
  return !/^[a-z][a-z0-9+.-]*:/i.test(url) && !url.startsWith("/") && !url.startsWith("#") && url !== "";
}

/** What a relative `url` on the page `source` becomes on the site; `undefined`: drop the link. */
function rewriteUrl(url: string, source: string, ctx: SiteContext, image: boolean): string | undefined {
  if (!isRelative(url)) return url;
  const hashAt = url.indexOf("#");
  const hash = hashAt >= 0 ? url.slice(hashAt) : "";
  const path = decodeURI(hashAt >= 0 ? url.slice(0, hashAt) : url).replace(/\?.*$/, "");
  const target = resolve(dirname(source), path);
  const from = relative(ctx.root, source);
  if (relative(ctx.root, target).startsWith("..") || isAbsolute(relative(ctx.root, target)))
    throw new Error(`${from}: link ${url} points outside the repository`);
  if (!existsSync(target))
    throw new Error(`${from}: link ${url} points to ${relative(ctx.root, target)}, which does not exist`);
  if (statSync(target).isDirectory()) {
    const readme = ctx.routes.get(join(target, "README.md"));
    if (readme !== undefined && !image) return readme + hash;
    ctx.warn(`${from}: link ${url} is a folder the site does not show; kept as text`);
    return undefined;
  }
  if (!image && target.endsWith(".md")) {
    const route = ctx.routes.get(target);
    if (route !== undefined) return route + hash;
    ctx.warn(`${from}: link ${url} is not a page of the site; kept as text`);
    return undefined;
  }
  return ctx.asset(target) + hash;
}

const LINK = /(!?)\[((?:[^\][]|\[[^\]]*\])*)\]\(\s*<?([^)\s>]+)>?(\s+"[^"]*")?\s*\)/g;
const REFERENCE = /^( {0,3}\[[^\]]+\]:\s*)<?(\S+?)>?(\s+.*)?$/;
const IMG_SRC = /(<img\b[^>]*?\bsrc=")([^"]+)(")/g;

/** Rewrites one line's links and images, leaving inline code spans alone. */
function rewriteLine(line: string, source: string, ctx: SiteContext): string {
  const ref = REFERENCE.exec(line);
  if (ref) {
    const url = rewriteUrl(ref[2], source, ctx, false);
    return url === undefined ? "" : `${ref[1]}${url}${ref[3] ?? ""}`;
  }
  return line
    .split(/(`+[^`]*`+)/)
    .map((part, i) => {
      if (i % 2 === 1) return part;
      return part
        .replace(LINK, (_all, bang: string, text: string, url: string, title = "") => {
          const to = rewriteUrl(url, source, ctx, bang === "!");
          return to === undefined ? text : `${bang}[${text}](${to}${title})`;
        })
        .replace(IMG_SRC, (_all, before: string, url: string, after: string) => {
          return `${before}${rewriteUrl(url, source, ctx, true) ?? url}${after}`;
        });
    })
    .join("");
}

/** Rewrites every relative link and image of the page `source` (outside code) for the site. */
export function rewriteLinks(markdown: string, source: string, ctx: SiteContext): string {
  return mapOutsideFences(markdown, (line) => rewriteLine(line, source, ctx));
}

/** A source page as the site shows it: includes expanded, then links rewritten. */
export function transformPage(markdown: string, source: string, ctx: SiteContext): string {
  let expanded: string;
  try {
    expanded = expandIncludes(markdown, dirname(source));
  } catch (e) {
    throw new Error(`${relative(ctx.root, source)}: ${(e as Error).message}`);
  }
  return rewriteLinks(expanded, source, ctx);
}

/** Extensions a browser shows as they are; other copied files get `.txt` so they open as text. */
const SHOWN = new Set([
  ".png",
  ".jpg",
  ".jpeg",
  ".gif",
  ".svg",
  ".webp",
  ".txt",
  ".json",
  ".csv",
  ".pdf",
  ".html",
]);

/** The URL under which a repository file is copied into the site (`/files/<path in the repo>`). */
export function assetUrl(root: string, absPath: string): string {
  const rel = relative(root, absPath).split(sep).join("/");
  const shown = SHOWN.has(extname(absPath).toLowerCase());
  return `/files/${rel.split("/").map(encodeURIComponent).join("/")}${shown ? "" : ".txt"}`;
}

/**
 * GitHub's heading anchors (lower case, punctuation dropped, spaces to hyphens), used by the site in
 * place of VitePress's own: the same `#anchor` links then work on the Git host and on the site, and
 * TypeDoc's markdown writes its links for these anchors. Repeats get `-1`, `-2`... as on GitHub.
 */
export function githubSlug(text: string): string {
  return text
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\p{M}\s_-]/gu, "")
    .replace(/\s/g, "-");
}

/** The anchors of a page's headings, as the site renders them (markdown syntax reduced to its text). */
export function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  mapOutsideFences(markdown, (line) => {
    const m = /^#{1,6} +(.+?)\s*#*\s*$/.exec(line);
    if (!m) return line;
    const text = m[1]
      .replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1")
      .replace(/\\(.)/g, "$1")
      .replace(/[`*]/g, "");
    const slug = githubSlug(text);
    let unique = slug;
    for (let i = 1; anchors.has(unique); i++) unique = `${slug}-${i}`;
    anchors.add(unique);
    return line;
  });
  return anchors;
}
