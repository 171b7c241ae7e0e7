import type { Backend } from "../backends/backend.js";
import { RefBackend } from "../backends/ref/index.js";
import { ValueError } from "./errors.js";

const factories = new Map<string, () => Backend>([["ref", () => new RefBackend()]]);
const instances = new Map<string, Backend>();
let current: Backend | null = null;

/** Makes a backend available to `setBackend` under `name`. */
export function registerBackend(name: string, factory: () => Backend): void {
  factories.set(name, factory);
}

/**
 * Chooses where new tensors live and ops run.
 * @example
 * setBackend("ref"); // the pure-TypeScript reference backend
 */
export function setBackend(name: string): Backend {
  const factory = factories.get(name);
  if (!factory) {
    throw new ValueError(
      `setBackend: unknown backend "${name}"; registered: ${[...factories.keys()].join(", ")}`,
    );
  }
  let b = instances.get(name);
  if (!b) {
    b = factory();
    instances.set(name, b);
  }
  current = b;
  return b;
}

/** The backend new tensors are created on (the reference backend unless `setBackend` chose another). */
export function getBackend(): Backend {
  return current ?? setBackend("ref");
}

export function listBackends(): string[] {
  return [...factories.keys()];
}
