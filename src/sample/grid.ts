// Images in [-1, 1] (NHWC float32) to 8-bit pixels, laid out as a grid with a border (as torchvision's
// make_grid), and written as lossless PNG.
import sharp from 'sharp';
import { writeFileAtomic } from '../util/files.js';

export interface RawImage {
  data: Uint8Array;
  width: number;
  height: number;
  channels: 1 | 3;
}

/** [-1, 1] to [0, 255], rounded and clipped. */
export function toBytes(v: number): number {
  const b = Math.round((v + 1) * 127.5);
  return b < 0 ? 0 : b > 255 ? 255 : b;
}

export interface GridOptions {
  /** Images per row; default ceil(sqrt(n)). */
  cols?: number;
  /** Border between and around images, in pixels. */
  pad?: number;
  /** Border value, 0..255. */
  padValue?: number;
}

/** Lays out n images of h x w x c (values in [-1, 1]) as one grid image. */
export function makeGrid(images: Float32Array, n: number, h: number, w: number, c: 1 | 3, opts: GridOptions = {}): RawImage {
  const cols = Math.max(1, Math.min(n, opts.cols ?? Math.ceil(Math.sqrt(n))));
  const rows = Math.ceil(n / cols);
  const pad = opts.pad ?? 2;
  const width = cols * (w + pad) + pad, height = rows * (h + pad) + pad;
  const data = new Uint8Array(width * height * c).fill(opts.padValue ?? 0);
  for (let k = 0; k < n; k++) {
    const x0 = pad + (k % cols) * (w + pad), y0 = pad + Math.floor(k / cols) * (h + pad);
    for (let y = 0; y < h; y++) {
      const src = ((k * h + y) * w) * c;
      const dst = ((y0 + y) * width + x0) * c;
      for (let i = 0; i < w * c; i++) data[dst + i] = toBytes(images[src + i]!);
    }
  }
  return { data, width, height, channels: c };
}

/** One image (index k of a batch) as 8-bit pixels. */
export function imageAt(images: Float32Array, k: number, h: number, w: number, c: 1 | 3): RawImage {
  const size = h * w * c;
  const data = new Uint8Array(size);
  for (let i = 0; i < size; i++) data[i] = toBytes(images[k * size + i]!);
  return { data, width: w, height: h, channels: c };
}

/** Encodes as PNG (deterministic bytes for the same pixels). */
export async function pngBytes(img: RawImage): Promise<Buffer> {
  return sharp(Buffer.from(img.data.buffer, img.data.byteOffset, img.data.byteLength), {
    raw: { width: img.width, height: img.height, channels: img.channels },
  }).png({ compressionLevel: 9 }).toBuffer();
}

/** Writes a PNG atomically. */
export async function writePng(path: string, img: RawImage): Promise<void> {
  writeFileAtomic(path, await pngBytes(img));
}
