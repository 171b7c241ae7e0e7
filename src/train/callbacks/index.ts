export { Callback, type Logs, type TrainingContext } from "./callback.js";
export { CSVLogger } from "./csv_logger.js";
export { EarlyStopping, type EarlyStoppingOptions } from "./early_stopping.js";
export { History } from "./history.js";
export { LearningRateScheduler, type EpochScheduler } from "./lr_scheduler.js";
export { ModelCheckpoint, type ModelCheckpointOptions } from "./model_checkpoint.js";
export { ProgressBar, type ProgressOutput } from "./progress.js";
