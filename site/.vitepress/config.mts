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
  // a page's chunk holds its rendered, highlighted HTML: the API pages with many examples pass Vite's
  // 500 kB warning by design; they are loaded one page at a time
  vite: { build: { chunkSizeWarningLimit: 1500 } },
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
