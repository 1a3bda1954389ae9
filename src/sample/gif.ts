// Animated GIFs with sharp (libvips' cgif encoder, libimagequant palettes): frames of one size, looping.
import sharp from 'sharp';
import { writeFileAtomic } from '../util/files.js';
import type { RawImage } from './grid.js';

/** Encodes frames (all the same size and channels) as a looping GIF; `delayMs` per frame. */
export async function gifBytes(frames: RawImage[], delayMs = 100): Promise<Buffer> {
  if (frames.length === 0) throw new Error('a GIF needs at least one frame');
  const { width, height, channels } = frames[0]!;
  for (const f of frames) {
    if (f.width !== width || f.height !== height || f.channels !== channels) throw new Error('GIF frames must all have the same size');
  }
  const stack = Buffer.concat(frames.map((f) => Buffer.from(f.data.buffer, f.data.byteOffset, f.data.byteLength)));
  return sharp(stack, { raw: { width, height: height * frames.length, channels, pageHeight: height } })
    .gif({ delay: frames.map(() => delayMs), loop: 0, effort: 7 })
    .toBuffer();
}

export async function writeGif(path: string, frames: RawImage[], delayMs = 100): Promise<void> {
  writeFileAtomic(path, await gifBytes(frames, delayMs));
}
