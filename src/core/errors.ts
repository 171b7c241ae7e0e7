/** Moved to the ground floor: `src/base/errors.ts`. Kept until every import is updated. */
export * from "../base/errors.js";
