import { ValueError } from "../base/errors.js";
import { Acrobot } from "./acrobot.js";
import { CartPole } from "./cartpole.js";
import { Catch } from "./catch.js";
import type { Env } from "./env.js";
import { MountainCar } from "./mountain_car.js";

type Factory = () => Env;

const FACTORIES = new Map<string, Factory>([
  ["CartPole-v1", () => new CartPole()],
  ["MountainCar-v0", () => new MountainCar()],
  ["Acrobot-v1", () => new Acrobot()],
  ["Catch", () => new Catch()],
]);

/**
 * A new environment by name (Gymnasium's `gym.make`): "CartPole-v1", "MountainCar-v0", "Acrobot-v1",
 * "Catch", or a name given to `register`.
 * @example
 * const env = rl.make("CartPole-v1");
 * env.actionSpace.n; // 2
 * rl.make("Pong"); // throws ValueError
 */
export function make(name: string): Env {
  const factory = FACTORIES.get(name);
  if (!factory)
    throw new ValueError(
      `rl.make: no environment named "${name}"; registered: ${[...FACTORIES.keys()].join(", ")}`,
    );
  return factory();
}

/**
 * Makes your own environment available to `make` (and so to examples and tools that take a name).
 * Registering a name again replaces its factory.
 * @example
 * rl.register("ShortCartPole", () => new rl.CartPole(50));
 * (rl.make("ShortCartPole") as rl.CartPole).maxEpisodeSteps; // 50
 */
export function register(name: string, factory: () => Env): void {
  FACTORIES.set(name, factory);
}

/**
 * The names `make` knows.
 * @example
 * rl.registered().includes("Catch"); // true
 */
export function registered(): string[] {
  return [...FACTORIES.keys()];
}
