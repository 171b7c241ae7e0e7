import { runInNewContext } from "node:vm";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";

/**
 * The package must load where there is no Node: bundle it for the browser and run a training step in a
 * bare V8 context (no process, require, Buffer or node: modules). Node-only features (files, MNIST from
 * disk) are reached through dynamic imports, so they are the only things missing there.
 */
describe("browser bundle", () => {
  it("bundles without static Node imports and trains in a context without Node globals", async () => {
    const result = await build({
      entryPoints: [new URL("../src/index.ts", import.meta.url).pathname],
      bundle: true,
      platform: "browser",
      format: "iife",
      globalName: "Strata",
      external: ["node:*"],
      write: false,
      logLevel: "silent",
    });
    const code = result.outputFiles[0].text;
    expect(code).not.toMatch(/\brequire\(["']node:/);
    const logs: string[] = [];
    const sandbox = {
      console: { log: (s: string) => logs.push(String(s)), warn: () => {}, error: () => {} },
      performance,
      setTimeout,
    };
    const script = `${code}
      (async () => {
        const { tensor, nn, optim, manualSeed } = Strata;
        manualSeed(0);
        const x = Strata.randn([64, 2]);
        const y = x.sum(1).gt(0).int();
        const model = new nn.Sequential(new nn.Linear(2, 8), new nn.ReLU(), new nn.Linear(8, 2));
        model.compile({ optimizer: new optim.Adam(model.parameters(), { lr: 0.05 }), loss: "crossEntropy", metrics: ["accuracy"] });
        const history = await model.fit([x, y], { epochs: 20, batchSize: 16 });
        return { accuracy: model.evaluate([x, y]).accuracy, epochs: history.epoch.length, text: tensor([1.5, 2]).toString() };
      })()`;
    const out = await runInNewContext(script, sandbox);
    expect(out.epochs).toBe(20);
    expect(out.accuracy).toBeGreaterThan(0.9);
    expect(out.text).toBe("tensor([1.5000, 2.0000])");
    // without process.stdout the progress bar falls back to console.log lines
    expect(logs.some((l) => l.startsWith("Epoch 20/20"))).toBe(true);
  });
});
