/**
 * Neural-network building blocks in PyTorch's style: `Module`, layers, losses, initializers (`init`)
 * and the stateless forms (`functional`).
 * @example
 * import { nn } from "strata-dl";
 * const model = new nn.Sequential(new nn.Flatten(), new nn.Linear(784, 128), new nn.ReLU(), new nn.Linear(128, 10));
 * const images = randn([8, 1, 28, 28]), labels = randint(0, 10, [8]);
 * const loss = new nn.CrossEntropyLoss().forward(model.forward(images), labels);
 * loss.shape; // []
 */
export { Module, expectInput } from "./module.js";
export { Sequential } from "./sequential.js";
export { buffer, parameter } from "./parameter.js";
export * from "./layers/index.js";
export * as init from "./init.js";
export * as functional from "./functional.js";
