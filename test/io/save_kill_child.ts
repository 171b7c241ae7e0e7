/**
 * Child process of the kill test in save.test.ts: saves a model in a loop until it is killed. Every
 * weight of save i equals i and its config is { step: i }, so a loader can tell whether the weights and
 * the config it got come from the same save. Prints "ready" once the first save is complete.
 * Usage: node save_kill_child.mjs <path> <first step>
 */
import { saveModel } from "../../src/io/save.js";
import { Module } from "../../src/nn/module.js";
import { parameter } from "../../src/nn/parameter.js";
import { full } from "../../src/ops/creation.js";
import type { Tensor } from "../../src/core/tensor.js";

class KillNet extends Module {
  weight = parameter(full([16, 16], 0));
  bias = parameter(full([16], 0));
  forward(x: Tensor): Tensor {
    return x.matmul(this.weight).add(this.bias);
  }
}

async function main(path: string, first: number): Promise<void> {
  const net = new KillNet();
  for (let step = first; ; step++) {
    net.weight.assign(full([16, 16], step));
    net.bias.assign(full([16], step));
    await saveModel(net, path, { step });
    if (step === first) process.stdout.write("ready\n");
  }
}

await main(process.argv[2], Number(process.argv[3]));
