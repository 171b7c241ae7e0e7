/**
 * VitePress configuration of the Strata docs site. The pages under ../src and the sidebar
 * (sidebar.generated.json) are written by scripts/docs.ts (`npm run docs`); nothing here lists pages.
 */
import { readFileSync } from "node:fs";
import { defineConfig } from "vitepress";
import { githubSlug } from "../../scripts/docs/markdown.js";

const sidebar = JSON.parse(readFileSync(new URL("./sidebar.generated.json", import.meta.url), "utf8"));

export default defineConfig({
  title: "Strata",
  description:
    "Deep learning for TypeScript: tensors, autograd, layers, optimizers and a Keras-style fit loop.",
  srcDir: "src",
  // the build fails on a link to a page that does not exist
  ignoreDeadLinks: false,
  // GitHub's anchors, so `#anchor` links work on the Git host and here, as TypeDoc's markdown expects
  markdown: { anchor: { slugify: githubSlug } },
  // the local search index (about 4 MB with the API's headings) is one chunk, fetched on the first
  // search only; the largest page chunk (the API index) is about 0.5 MB
  vite: { build: { chunkSizeWarningLimit: 4500 } },
  themeConfig: {
    // the sidebar's sections, as they exist
    nav: sidebar.map((g: { text: string; link: string }) => ({
      text: g.text.replace(" reference", ""),
      link: g.link,
    })),
    sidebar,
    outline: { level: [2, 3] },
    search: {
      provider: "local",
      options: {
        // the API pages are indexed by their headings (every class, function and member name), not
        // their whole text: the full text made the index 5 MB for the browser to fetch on first search
        _render(src, env, md) {
          if (!env.relativePath.startsWith("api/")) return md.render(src, env);
          const headings = src.split("\n").filter((line) => /^#{1,5} /.test(line));
          return md.render(headings.join("\n\n"), env);
        },
      },
    },
  },
});
