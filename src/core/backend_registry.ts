/** Moved to the backends floor: `src/backends/registry.ts`. Kept until every import is updated. */
export * from "../backends/registry.js";
