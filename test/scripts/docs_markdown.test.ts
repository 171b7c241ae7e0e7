import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { repairAnchors } from "../../scripts/docs/api_anchors.js";
import {
  expandIncludes,
  fence,
  firstHeading,
  headingAnchors,
  rewriteLinks,
  type SiteContext,
} from "../../scripts/docs/markdown.js";
import { duration, projectsIndex } from "../../scripts/docs/pages.js";

/** A tiny repository: a tutorial with its code, output and picture, a project, a guide. */
function repo() {
  const root = mkdtempSync(join(tmpdir(), "strata-docs-test-"));
  const files: Record<string, string> = {
    "tutorials/03-by-hand.md": "# By hand\n",
    "tutorials/03-by-hand.ts": 'console.log("hi");\n',
    "tutorials/output/03-by-hand.txt": "loss 0.1\n",
    "tutorials/output/03-by-hand-loss.png": "png",
    "projects/fashion-mnist/README.md": "# Fashion\n",
    "projects/fashion-mnist/output/result.json":
      '{"project":"Fashion-MNIST CNN","command":"npx tsx projects/fashion-mnist/main.ts","seconds":312.4,"machine":"2 cores (quiet)","results":{"test accuracy (%)":90.12},"baseline":{"name":"MLP","test accuracy (%)":88.1},"date":"2026-11-29"}',
    "docs/RBM.md": "# RBMs\n",
    "src/nn/linear.ts": "export {};\n",
  };
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, ".."), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  const assets: string[] = [];
  const warnings: string[] = [];
  const ctx: SiteContext = {
    root,
    routes: new Map([
      [join(root, "tutorials/03-by-hand.md"), "/tutorials/03-by-hand"],
      [join(root, "projects/fashion-mnist/README.md"), "/projects/fashion-mnist"],
      [join(root, "docs/RBM.md"), "/guides/rbm"],
    ]),
    asset(p) {
      assets.push(p);
      return `/files/${p.slice(root.length + 1)}`;
    },
    warn: (m) => warnings.push(m),
  };
  return { root, ctx, assets, warnings, page: join(root, "tutorials/03-by-hand.md") };
}

describe("include markers", () => {
  it("become fenced code in the file's language, and only whole lines are markers", () => {
    const { root } = repo();
    const md = [
      "Code:",
      "<!-- include: 03-by-hand.ts -->",
      "  <!--  include:   output/03-by-hand.txt  -->  ",
      "not a marker: <!-- include: 03-by-hand.ts -->",
    ].join("\n");
    expect(expandIncludes(md, join(root, "tutorials"))).toBe(
      [
        "Code:",
        '```ts\nconsole.log("hi");\n```',
        "```text\nloss 0.1\n```",
        "not a marker: <!-- include: 03-by-hand.ts -->",
      ].join("\n"),
    );
  });

  it("are left alone inside a fenced block, and a missing file is an error naming it", () => {
    const { root } = repo();
    const shown = "```md\n<!-- include: 03-by-hand.ts -->\n```";
    expect(expandIncludes(shown, join(root, "tutorials"))).toBe(shown);
    expect(() => expandIncludes("<!-- include: gone.ts -->", join(root, "tutorials"))).toThrow(/gone\.ts/);
  });

  it("use a fence longer than any backtick run in the file", () => {
    expect(fence("a ```` b", "md")).toBe("`````md\na ```` b\n`````");
  });
});

describe("links and images", () => {
  it("turn .md links into routes (keeping anchors) and files into site copies", () => {
    const { ctx, page, assets, root } = repo();
    const md = [
      "See [the code](03-by-hand.ts), [Fashion](../projects/fashion-mnist/README.md#results) and",
      "[RBMs](../docs/RBM.md), [the folder](../projects/fashion-mnist/), [web](https://example.com/a.md).",
      '![loss](output/03-by-hand-loss.png "Loss") and <img src="output/03-by-hand-loss.png" alt="x">',
      "[ref]: ../docs/RBM.md",
    ].join("\n");
    expect(rewriteLinks(md, page, ctx)).toBe(
      [
        "See [the code](/files/tutorials/03-by-hand.ts), [Fashion](/projects/fashion-mnist#results) and",
        "[RBMs](/guides/rbm), [the folder](/projects/fashion-mnist), [web](https://example.com/a.md).",
        '![loss](/files/tutorials/output/03-by-hand-loss.png "Loss") and <img src="/files/tutorials/output/03-by-hand-loss.png" alt="x">',
        "[ref]: /guides/rbm",
      ].join("\n"),
    );
    expect(assets).toContain(join(root, "tutorials/03-by-hand.ts"));
  });

  it("leave code alone, reduce folders that are not pages to text, and fail on a missing target", () => {
    const { ctx, page, warnings } = repo();
    expect(rewriteLinks("`[x](gone.md)` and\n```\n[y](gone.md)\n```", page, ctx)).toBe(
      "`[x](gone.md)` and\n```\n[y](gone.md)\n```",
    );
    expect(rewriteLinks("[nn](../src/nn/)", page, ctx)).toBe("nn");
    expect(warnings).toHaveLength(1);
    expect(() => rewriteLinks("[x](missing.md)", page, ctx)).toThrow(/missing\.md.*does not exist/);
    expect(() => rewriteLinks("[x](../../outside.md)", page, ctx)).toThrow(/outside the repository/);
  });
});

describe("titles, anchors and the projects table", () => {
  it("take the first # heading outside code", () => {
    expect(firstHeading("```\n# not this\n```\n## Sub\n# Title here\n# Later")).toBe("Title here");
    expect(firstHeading("no heading")).toBeUndefined();
  });

  it("number repeated headings as GitHub does, and point TypeDoc's extra numbers at them", () => {
    const anchors = headingAnchors(
      "## `abstract` Optimizer\n### stateDict()\n### stateDict()\n### A \\<T\\>",
    );
    expect([...anchors]).toEqual(["abstract-optimizer", "statedict", "statedict-1", "a-t"]);
    const page = "/api/optim.md";
    const fixed = repairAnchors(
      "[a](#statedict-1) [b](#abstract-optimizer-1) [c](#nothing-2)",
      page,
      () => anchors,
    );
    expect(fixed).toEqual({ text: "[a](#statedict-1) [b](#abstract-optimizer) [c](#nothing-2)", changed: 1 });
  });

  it("builds the results table from result.json", () => {
    const { root } = repo();
    const md = projectsIndex(
      [
        {
          source: join(root, "projects/fashion-mnist/README.md"),
          route: "/projects/fashion-mnist",
          out: "",
          title: "Fashion",
        },
      ],
      root,
    );
    expect(md).toContain(
      "| [Fashion-MNIST CNN](/projects/fashion-mnist) | test accuracy (%): **90.12** | MLP<br>test accuracy (%): **88.1** | `npx tsx projects/fashion-mnist/main.ts` | 5 min 12 s<br>2 cores (quiet)<br>2026-11-29 |",
    );
    expect(duration(42.04)).toBe("42.0 s");
  });
});
