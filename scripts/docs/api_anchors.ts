/**
 * TypeDoc's markdown sometimes numbers an anchor as a repeat (`#optimizerstatedict-1`) when the page has
 * the heading once; the page check then fails on a link to a missing anchor. This pass points such links
 * at the anchor the page does have, and leaves every other link alone (the page check still sees those).
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { headingAnchors } from "./markdown.js";

function markdownFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return markdownFiles(path);
    return name.endsWith(".md") ? [path] : [];
  });
}

/** Repairs the links of `text` (the page `file`) whose anchor lacks only a repeat number. */
export function repairAnchors(
  text: string,
  file: string,
  anchorsOf: (file: string) => Set<string>,
): { text: string; changed: number } {
  let changed = 0;
  const out = text.replace(/\]\(([^)\s#]*)#([^)\s]+)\)/g, (all, path: string, anchor: string) => {
    if (/^[a-z]+:/i.test(path)) return all;
    const target = path === "" ? file : resolve(dirname(file), path);
    const anchors = anchorsOf(target);
    if (anchors.size === 0 || anchors.has(anchor)) return all;
    const plain = anchor.replace(/-\d+$/, "");
    if (!anchors.has(plain)) return all;
    changed++;
    return `](${path}#${plain})`;
  });
  return { text: out, changed };
}

/** Runs `repairAnchors` over every page under `apiDir`; returns how many links it changed. */
export function repairApiAnchors(apiDir: string): number {
  const files = markdownFiles(apiDir);
  const texts = new Map(files.map((f) => [f, readFileSync(f, "utf8")]));
  const cache = new Map<string, Set<string>>();
  const anchorsOf = (f: string) => {
    if (!cache.has(f)) cache.set(f, texts.has(f) ? headingAnchors(texts.get(f)!) : new Set());
    return cache.get(f)!;
  };
  let changed = 0;
  for (const [file, text] of texts) {
    const r = repairAnchors(text, file, anchorsOf);
    if (r.changed > 0) writeFileSync(file, r.text);
    changed += r.changed;
  }
  return changed;
}
