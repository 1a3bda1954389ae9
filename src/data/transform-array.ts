// Bringing in-memory images (IDX, CIFAR-10, built-in MNIST) to a target shape: resize of the shorter side and
// centre crop with sharp on every core, then grayscale <-> RGB; appended in order.
import { availableParallelism } from 'node:os';
import { getSharp } from './decode-image.js';
import type { ArrayImages } from './idx.js';
import { orderedPool } from './ordered-pool.js';
import { grayToRgb, rgbToGray } from './pixel-convert.js';

export interface ArrayTarget {
  height: number;
  width: number;
  channels: 1 | 3;
}

/** Images decoded or resized at once: enough to keep libuv's thread pool (4 threads by default) busy. */
export function decodeConcurrency(): number {
  return Math.max(4, availableParallelism());
}

function convertChannels(px: Uint8Array, from: 1 | 3, to: 1 | 3): Uint8Array {
  if (from === to) return px;
  return to === 3 ? grayToRgb(px) : rgbToGray(px);
}

/** Appends src's images, transformed to t, in order; images already of t's size are not resampled. */
export async function transformArray(src: ArrayImages, t: ArrayTarget, append: (pixels: Uint8Array) => void): Promise<void> {
  const srcBytes = src.height * src.width * src.channels;
  if (src.height === t.height && src.width === t.width) {
    // Whole chunks of images at a time: no per-image overhead, bounded extra memory.
    const per = Math.max(1, Math.floor((16 << 20) / srcBytes));
    for (let i = 0; i < src.count; i += per) {
      const n = Math.min(per, src.count - i);
      append(convertChannels(src.pixels.subarray(i * srcBytes, (i + n) * srcBytes), src.channels, t.channels));
    }
    return;
  }
  const sharp = getSharp();
  await orderedPool(
    src.count,
    decodeConcurrency(),
    async (i) => {
      const view = Buffer.from(src.pixels.buffer, src.pixels.byteOffset + i * srcBytes, srcBytes);
      const out = await sharp(view, { raw: { width: src.width, height: src.height, channels: src.channels } })
        .resize(t.width, t.height, { fit: 'cover', position: 'centre' })
        .toColourspace(src.channels === 1 ? 'b-w' : 'srgb')
        .raw()
        .toBuffer();
      return convertChannels(new Uint8Array(out.buffer, out.byteOffset, out.length), src.channels, t.channels);
    },
    (_i, px) => append(px),
  );
}
