// The server's public surface: start a dashboard server over a runs folder, run training beside it, and the
// JSON shapes its API sends.
export { startServer, DEFAULT_HOST, DEFAULT_PORT, type ServeOptions, type RunningServer } from './server.js';
export { startTrainingProcess, findRunOf, type TrainingProcess } from './training-process.js';
export { listRuns } from './runs-folder.js';
export type { RunSummary, RunSnapshot, RunState, RunEvents, RunsListEvents, MetricsPoint, SampleRef, GeneratorRef, ApiError } from './api-types.js';
