/**
 * VitePress configuration of the Strata docs site. The pages under ../src and the sidebar
 * (sidebar.generated.json) are written by scripts/docs.ts (`npm run docs`); nothing here lists pages.
 */
import { readFileSync } from "node:fs";
import { defineConfig } from "vitepress";

const sidebar = JSON.parse(readFileSync(new URL("./sidebar.generated.json", import.meta.url), "utf8"));

/**
 * GitHub's heading anchors (lower case, punctuation dropped, spaces to hyphens), not VitePress's own:
 * the same `#anchor` links then work on the Git host and on the site, and TypeDoc's markdown writes
 * its links for these anchors.
 */
function githubSlug(text: string): string {
  return text
    .trim()
    .toLowerCase()
    .replace(/<[^>]*>/g, "")
    .replace(/[^\p{L}\p{N}\p{M}\s_-]/gu, "")
    .replace(/\s/g, "-");
}

export default defineConfig({
  title: "Strata",
  description:
    "Deep learning for TypeScript: tensors, autograd, layers, optimizers and a Keras-style fit loop.",
  srcDir: "src",
  // the build fails on a link to a page that does not exist
  ignoreDeadLinks: false,
  markdown: { anchor: { slugify: githubSlug } },
  themeConfig: {
    // the sidebar's sections, as they exist
    nav: sidebar.map((g: { text: string; link: string }) => ({
      text: g.text.replace(" reference", ""),
      link: g.link,
    })),
    sidebar,
    outline: { level: [2, 3] },
    search: { provider: "local" },
  },
});
