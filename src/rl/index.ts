/**
 * Deep reinforcement learning: environments with Gymnasium's interface (CartPole-v1, MountainCar-v0,
 * Acrobot-v1, bsuite's Catch), experience replay, ε schedules, target networks and the DQN agent.
 * See docs/RL.md.
 * @example
 * const env = rl.make("CartPole-v1");
 * env.reset({ seed: 0 }).observation.length; // 4
 */
export { Discrete, Box, type Space } from "./spaces.js";
export { TimeLimitEnv, type Env, type ResetOptions, type ResetResult, type StepResult } from "./env.js";
export { CartPole } from "./cartpole.js";
export { MountainCar } from "./mountain_car.js";
export { Acrobot } from "./acrobot.js";
export { Catch } from "./catch.js";
export { make, register, registered } from "./registry.js";
export { FrameStack } from "./frame_stack.js";
export { framesToHtml, recordEpisode } from "./render.js";
export { linearSchedule, exponentialSchedule, type Schedule } from "./schedules.js";
export { ReplayBuffer, type TransitionBatch } from "./replay.js";
export { SumTree, PrioritizedReplayBuffer, type PrioritizedOptions } from "./prioritized.js";
export { cloneModule, hardUpdate, softUpdate } from "./target.js";
export { dqnLoss, type DQNLossOptions } from "./dqn_loss.js";
export { DQN, type DQNOptions, type DQNProgress, type ReturnsRecord } from "./dqn.js";
export { saveCheckpoint, loadCheckpoint } from "./checkpoint.js";
export { plotReturns } from "./plot_returns.js";
