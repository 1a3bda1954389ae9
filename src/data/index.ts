// The public surface of the data module: loading datasets, batching them, inspecting them.
export type { LoadOptions, ImageDataset, Skipped, DatasetStorage } from './types.js';
export { loadDataset } from './load.js';
export { Batches, type Batch, type BatchState, type BatchesOptions } from './batches.js';
export { parseSpec, specSlug, SPEC_HELP, type ParsedSpec } from './spec.js';
export { parseSize, parseBackground, cacheDirOf } from './options.js';
export { pixelStats, type PixelStats, type ChannelStats } from './pixel-stats.js';
export { previewGrid, writePreviewGrid, type Grid, type GridOptions } from './preview-grid.js';
export { encodeIdx } from './idx.js';
export { encodeCifarBatch, CIFAR10_CLASSES } from './cifar10.js';
export { FASHION_MNIST_CLASSES } from './fashion-mnist.js';
