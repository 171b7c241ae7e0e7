/** Moved to the ground floor: `src/base/shape.ts`. Kept until every import is updated. */
export * from "../base/shape.js";
