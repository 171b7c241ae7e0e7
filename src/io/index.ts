/**
 * Saving and loading: tensors and models as safetensors, configurations as JSON, atomic writes.
 * @example
 * import { io } from "strata-dl";
 * await io.saveModel(model, "mlp.safetensors", { hidden: 8 });
 * await io.loadModel(model, "mlp.safetensors");
 * await io.loadConfig("mlp.safetensors"); // { hidden: 8 }
 */
export type { TensorMap } from "./save.js";
export {
  serialize,
  deserialize,
  deserializeWithMetadata,
  saveTensors,
  loadTensors,
  loadTensorsWithMetadata,
  saveModel,
  loadModel,
  loadConfig,
  configPath,
} from "./save.js";
export type { SafetensorsDtype, SafetensorsFile, SafetensorsTensor } from "./safetensors.js";
export { encodeSafetensors, decodeSafetensors } from "./safetensors.js";
export { writeFileAtomic } from "./atomic_write.js";
export type { GrayImage } from "./png.js";
export { crc32, encodePng, writePng } from "./png.js";
export type { GridOptions, ImageOptions } from "./image.js";
export { imageGrid, imageGridAsync, stackImages, toImage, toImageAsync } from "./image.js";
