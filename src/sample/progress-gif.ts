// The training-progress animation of the TensorFlow DCGAN tutorial: a run's fixed-noise grids over training.
import sharp from 'sharp';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { RunLayout, sampleStep } from '../run/layout.js';
import { UserError } from '../util/errors.js';
import type { RawImage } from './grid.js';

/** The run's sample grids in step order (every `every`-th, and always the last), decoded. */
export async function progressFrames(runDir: string, opts: { every?: number; maxWidth?: number } = {}): Promise<{ frames: RawImage[]; files: string[] }> {
  const dir = new RunLayout(runDir).samplesDir;
  if (!existsSync(dir)) throw new UserError(`${runDir} has no samples/ folder: is it a run folder?`);
  const all = readdirSync(dir).filter((f) => sampleStep(f) !== null).sort();
  if (all.length === 0) throw new UserError(`${dir} has no sample grids yet (train writes one every --sample-every steps)`);
  const every = opts.every ?? 1;
  const files = all.filter((_, i) => i % every === 0 || i === all.length - 1);
  const frames: RawImage[] = [];
  for (const f of files) {
    let img = sharp(join(dir, f)).removeAlpha();
    const meta = await sharp(join(dir, f)).metadata();
    if (opts.maxWidth && (meta.width ?? 0) > opts.maxWidth) img = img.resize({ width: opts.maxWidth, kernel: 'nearest' });
    const { data, info } = await img.toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
    frames.push({ data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height, channels: 3 });
  }
  return { frames, files: files.map((f) => join(dir, f)) };
}
