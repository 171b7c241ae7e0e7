import { ValueError } from "../base/errors.js";
import { noGrad } from "../core/grad_mode.js";
import { keep, tidy } from "../core/memory.js";
import { Tensor } from "../core/tensor.js";
import { Module } from "../nn/module.js";

function copyValue(value: unknown, seen: Map<object, unknown>): unknown {
  if (value instanceof Tensor) {
    const t = keep(value.detach().clone());
    if (value.requiresGrad) t.requiresGrad_(true);
    return t;
  }
  if (value instanceof Module) return copyModule(value, seen);
  if (Array.isArray(value)) return value.map((v) => copyValue(v, seen));
  return value;
}

function copyModule(m: Module, seen: Map<object, unknown>): Module {
  const done = seen.get(m);
  if (done) return done as Module;
  const copy = Object.create(Object.getPrototypeOf(m)) as Module;
  seen.set(m, copy);
  for (const [key, value] of Object.entries(m))
    (copy as unknown as Record<string, unknown>)[key] = copyValue(value, seen);
  return copy;
}

/**
 * A deep copy of a module: same class, its own copies of every parameter and buffer, the other fields
 * shared (numbers, options, functions). How `DQN` makes its target network from the online one.
 * @example
 * const online = new nn.Linear(2, 1);
 * const target = rl.cloneModule(online);
 * target.weight === online.weight; // false
 * target.weight.sub(online.weight).abs().max().item(); // 0
 */
export function cloneModule<M extends Module>(module: M): M {
  return noGrad(() => copyModule(module, new Map())) as M;
}

function pairs(fn: string, target: Module, source: Module): [Tensor, Tensor][] {
  const t = target.stateDict();
  const s = source.stateDict();
  const keys = Object.keys(s);
  if (keys.length !== Object.keys(t).length || keys.some((k) => !(k in t) || t[k].size !== s[k].size))
    throw new ValueError(
      `${fn}: the target and the source differ in structure (source tensors: ${keys.join(", ")}; target: ${Object.keys(t).join(", ")})`,
    );
  return keys.map((k) => [t[k], s[k]]);
}

/**
 * Copies every parameter and buffer of `source` into `target` (the hard target update of DQN, every C
 * steps).
 * @example
 * const online = new nn.Linear(2, 1), target = rl.cloneModule(online);
 * online.weight.assign(ones([1, 2]));
 * rl.hardUpdate(target, online);
 * target.weight.toArray(); // [[1, 1]]
 */
export function hardUpdate(target: Module, source: Module): void {
  noGrad(() => {
    for (const [t, s] of pairs("hardUpdate", target, source)) {
      const copy = s.clone();
      t.assign(copy);
      copy.dispose(); // t holds the buffer now
    }
  });
}

/**
 * Polyak averaging: target ← τ·source + (1 − τ)·target for every parameter and buffer (the soft
 * update of DDPG and of CleanRL's DQN with τ < 1). τ = 1 is `hardUpdate`.
 * @example
 * const online = new nn.Linear(1, 1), target = rl.cloneModule(online);
 * online.weight.assign(tensor([[1]])); target.weight.assign(tensor([[0]]));
 * rl.softUpdate(target, online, 0.25);
 * target.weight.toArray(); // [[0.25]]
 */
export function softUpdate(target: Module, source: Module, tau: number): void {
  if (!(tau >= 0 && tau <= 1)) throw new ValueError(`softUpdate: tau must be in [0, 1], got ${tau}`);
  noGrad(() =>
    tidy(() => {
      for (const [t, s] of pairs("softUpdate", target, source)) t.assign(s.mul(tau).add(t.mul(1 - tau)));
    }),
  );
}
