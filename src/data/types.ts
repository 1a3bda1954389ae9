// The data module's contracts: how a dataset is asked for (LoadOptions) and what a loaded one offers (ImageDataset).

/** How `loadDataset` brings a dataset to the shape a model wants. Every field is optional. */
export interface LoadOptions {
  /** [height, width] every image is brought to: shorter side resized, then centre-cropped. Default: the data's own. */
  size?: [number, number];
  /** 1 (grayscale) or 3 (RGB). Default: from the data (all grayscale: 1, else 3). */
  channels?: 1 | 3;
  /** RGB (0..255) that transparent pixels are composited onto. Default white. */
  background?: [number, number, number];
  /** Where fashion-mnist's IDX files are. Default /usr/share/datasets/fashion-mnist (apt dataset-fashion-mnist). */
  dataDir?: string;
  /** The part of a dataset that has one: mnist, fashion-mnist, cifar10. Default 'train'. Others only have 'train'. */
  split?: 'train' | 'test';
  /** Folders: first-level sub-folder names become class labels. emoji: its categories. */
  labels?: boolean;
  /** An image file that does not decode is an error instead of being skipped and counted. */
  strict?: boolean;
  /** Where decoded datasets are cached. Default $DCGAN_CACHE_DIR, else $XDG_CACHE_HOME/dcgan, else ~/.cache/dcgan. */
  cacheDir?: string;
  /** false: decode every time and write no cache file (the data must then fit in memory). Default true. */
  cache?: boolean;
  /** Bytes of pixels held in memory; a larger dataset is streamed from its cache file. Default $DCGAN_DATA_MEMORY_MB or a quarter of RAM. */
  memoryLimit?: number;
  /** `fake`: how many synthetic images (default 1024). */
  count?: number;
  /** `fake`: the seed of the synthetic images (default 0). */
  seed?: number;
}

/** Undecodable files that were left out of a dataset. */
export interface Skipped {
  count: number;
  /** The first few, as `path: reason`. */
  examples: string[];
}

/** Where a dataset's pixels live. */
export interface DatasetStorage {
  /** 'memory': all pixels in one buffer; 'stream': read from the cache file on demand; 'generated': computed (fake). */
  kind: 'memory' | 'stream' | 'generated';
  /** The cache file, when there is one. */
  cacheFile?: string;
  /** Whether the cache file already existed (the data was not decoded this time). */
  cacheHit?: boolean;
  /** Milliseconds loadDataset took. */
  loadMs?: number;
  /** Something the user may want to know (e.g. the cache could not be written). */
  warning?: string;
}

/** A loaded dataset: count images of height x width x channels, uint8 NHWC, optionally labelled. */
export interface ImageDataset {
  /** The spec as given, e.g. 'mnist', 'fashion-mnist', 'cifar10:/p', 'idx:/p', '/some/folder', 'fake:64x64x3'. */
  readonly spec: string;
  readonly count: number;
  readonly height: number;
  readonly width: number;
  readonly channels: 1 | 3;
  /** Class names, when labelled; labels[i] indexes into it. */
  readonly classNames?: string[];
  /** Class index per image, when labelled. */
  readonly labels?: Int32Array;
  /** Undecodable files (skipped unless `strict`). */
  readonly skipped: Skipped;
  readonly storage: DatasetStorage;
  /** uint8 NHWC pixels of image i (length h*w*c). May be a view into the dataset's buffer: do not modify it. */
  image(i: number): Uint8Array;
  /** Writes images[indices] into out (n*h*w*c float32), scaled to [-1, 1] (x / 127.5 - 1). */
  fill(indices: ArrayLike<number>, out: Float32Array): void;
  /** The uint8 pixels of images[indices], one after the other; reads of a streamed dataset run off the JS thread. */
  read(indices: ArrayLike<number>): Promise<Uint8Array>;
  /** Releases the cache file of a streamed dataset (a no-op otherwise). */
  close(): void;
}
