/** Moved to the ground floor: `src/base/dtype.ts`. Kept until every import is updated. */
export * from "../base/dtype.js";
