// Data-parallel training across processes and machines: the process group (c10d over Gloo), the launcher
// and the configuration that decides between them. Re-exports only.
export { ProcessGroup, type GroupOptions, type Peer, type Reduction } from './group.js';
export { DistError, type DistErrorKind, type DistErrorFields } from './errors.js';
export {
  resolveDist, planLaunch, workerFromEnv, workerEnvFor, groupOptions, parseHostPort, DEFAULT_TIMEOUT_MS, DEFAULT_MASTER_PORT, WORKER_ENV,
  type DistFlags, type LaunchPlan, type WorkerConfig, type DistMode,
} from './config.js';
export { launch, type LaunchOptions, type LaunchResult, type WorkerExit, type WorkerOutput, type ListeningMessage } from './launch.js';
export { joinJob, watchLauncher } from './worker.js';
export { resolveDevice, hostAddresses, type Device } from './device.js';
export { loadDist } from './native.js';
export { syncBatchNorm, type SyncBatchNormResult } from './sync-batch-norm.js';
