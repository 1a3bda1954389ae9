// A preview of a dataset: a grid of some of its images (a seeded random pick), written as a PNG atomically.
import { resolve } from 'node:path';
import { UserError } from '../util/errors.js';
import { writeFileAtomic } from '../util/files.js';
import { getSharp } from './decode-image.js';
import { epochOrder } from './seeded-order.js';
import type { ImageDataset } from './types.js';

export interface GridOptions {
  /** How many images (default 64, at most the dataset's count). */
  count?: number;
  /** Which images: a seeded random pick (default seed 0). */
  seed?: number;
  /** Gap between images in pixels (default 2). */
  pad?: number;
}

export interface Grid {
  /** uint8 HWC pixels of the whole grid. */
  data: Uint8Array;
  height: number;
  width: number;
  channels: 1 | 3;
  rows: number;
  columns: number;
  /** Which images, row by row. */
  indices: number[];
  /** Nearest-neighbour magnification of small images (tiles at least 64 pixels high). */
  scale: number;
}

/** Lays images out in a near-square grid on a mid-gray background. */
export async function previewGrid(ds: ImageDataset, o: GridOptions = {}): Promise<Grid> {
  const n = Math.max(1, Math.min(o.count ?? 64, ds.count));
  const indices = Array.from(epochOrder(ds.count, o.seed ?? 0, 0).subarray(0, n));
  const pad = o.pad ?? 2;
  const columns = Math.ceil(Math.sqrt(n)), rows = Math.ceil(n / columns);
  const scale = Math.max(1, Math.ceil(64 / ds.height));
  const th = ds.height * scale, tw = ds.width * scale, c = ds.channels;
  const height = rows * th + (rows + 1) * pad, width = columns * tw + (columns + 1) * pad;
  const data = new Uint8Array(height * width * c).fill(128);
  const px = await ds.read(indices);
  const b = ds.height * ds.width * c;
  indices.forEach((_, k) => {
    const top = pad + Math.floor(k / columns) * (th + pad), left = pad + (k % columns) * (tw + pad);
    for (let y = 0; y < th; y++) {
      const sy = Math.floor(y / scale);
      for (let x = 0; x < tw; x++) {
        const s = k * b + (sy * ds.width + Math.floor(x / scale)) * c, d = ((top + y) * width + left + x) * c;
        for (let ch = 0; ch < c; ch++) data[d + ch] = px[s + ch]!;
      }
    }
  });
  return { data, height, width, channels: c, rows, columns, indices, scale };
}

/** Writes the preview grid as a PNG (temp file, then rename); returns the grid without its pixels. */
export async function writePreviewGrid(ds: ImageDataset, file: string, o: GridOptions = {}): Promise<Omit<Grid, 'data'> & { file: string }> {
  const grid = await previewGrid(ds, o);
  const path = resolve(file);
  const raw = Buffer.from(grid.data.buffer, grid.data.byteOffset, grid.data.length);
  const png = await getSharp()(raw, { raw: { width: grid.width, height: grid.height, channels: grid.channels } })
    .toColourspace(grid.channels === 1 ? 'b-w' : 'srgb')
    .png()
    .toBuffer();
  try {
    writeFileAtomic(path, png);
  } catch (e) {
    throw new UserError(`${path}: cannot write the preview (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); choose a writable path with --out`);
  }
  const { data: _data, ...rest } = grid;
  return { ...rest, file: path };
}
