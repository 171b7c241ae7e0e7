export * from "./activation.js";
export * from "./creation.js";
export * from "./elementwise.js";
export * from "./linalg.js";
export * from "./movement.js";
export * from "./nonzero.js";
export * from "./one_hot.js";
export * from "./reduce.js";
