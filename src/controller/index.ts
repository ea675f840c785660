// The ratio controller: params, the pure step function, and its live attachment.

export {
  CONTROLLER_PARAM_NAMES,
  CONTROLLER_PARAMS,
  checkParam,
  DEFAULT_CONTROLLER_PARAMS,
  describeRange,
  MAX_THRESHOLD,
  mergeParams,
  paramDescriptor,
  parseParam,
  type ControllerParamName,
  type ControllerParams,
  type ParamDescriptor,
  type ParamKind,
} from './params.js';
export {
  createThresholdController,
  DEFAULT_TUNING,
  ON_TARGET_BAND,
  type ControllerInput,
  type ControllerStatus,
  type ControllerTick,
  type ControllerTuning,
  type ControllerTuningPatch,
  type ThresholdController,
} from './core.js';
export { attachController, type AttachOptions, type ControlledAllocator, type LiveController } from './live.js';
export { shareBelow, thresholdFor } from './flow.js';
export { createTrim, type Trim, type TrimStep, type TrimTuning } from './trim.js';
