// What `dcgan data inspect` reports: exact per-channel statistics, and a preview grid whose tiles are the
// dataset's images (magnified when small) written as a PNG that reads back.
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../util/errors.js';
import { MemoryDataset } from './memory-dataset.js';
import { pixelStats } from './pixel-stats.js';
import { previewGrid, writePreviewGrid } from './preview-grid.js';

/** 4 RGB images of 2x2: R = 10 * i, G = 255, B = the pixel's position 0..3. */
function rgb(): MemoryDataset {
  const px = new Uint8Array(4 * 2 * 2 * 3);
  for (let i = 0; i < 4; i++) for (let p = 0; p < 4; p++) px.set([10 * i, 255, p], (i * 4 + p) * 3);
  return new MemoryDataset({ spec: 'rgb', count: 4, height: 2, width: 2, channels: 3, skipped: { count: 0, examples: [] } }, px, undefined, { kind: 'memory' });
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'dcgan-inspect-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('pixelStats', () => {
  it('gives each channel\'s mean, standard deviation, min and max', async () => {
    const s = await pixelStats(rgb());
    expect(s.images).toBe(4);
    expect(s.channels).toHaveLength(3);
    expect(s.channels[0]!.mean).toBeCloseTo(15, 10);
    expect(s.channels[0]!.std).toBeCloseTo(Math.sqrt(125), 10);
    expect(s.channels[1]).toEqual({ mean: 255, std: 0, min: 255, max: 255 });
    expect(s.channels[2]).toMatchObject({ min: 0, max: 3 });
    expect(s.channels[2]!.mean).toBeCloseTo(1.5, 10);
  });

  it('samples evenly when asked for fewer images', async () => {
    const s = await pixelStats(rgb(), 2);
    expect(s.images).toBe(2);
    expect(s.channels[0]!.mean).toBeCloseTo(10, 10); // images 0 and 2
  });
});

describe('the preview grid', () => {
  it('lays out magnified tiles on gray, each one an image of the dataset', async () => {
    const ds = rgb();
    const g = await previewGrid(ds, { count: 3, seed: 1, pad: 1 });
    expect([g.rows, g.columns, g.scale, g.indices.length]).toEqual([2, 2, 32, 3]);
    expect(new Set(g.indices).size).toBe(3);
    expect([g.height, g.width]).toEqual([2 * 64 + 3, 2 * 64 + 3]);
    const px = (y: number, x: number) => Array.from(g.data.subarray((y * g.width + x) * 3, (y * g.width + x) * 3 + 3));
    expect(px(0, 0)).toEqual([128, 128, 128]);
    expect(px(1, 1)).toEqual([10 * g.indices[0]!, 255, 0]);
    expect(px(1 + 40, 1 + 40)).toEqual([10 * g.indices[0]!, 255, 3]); // bottom-right pixel of the first tile
    expect(px(1, 1 + 64 + 1)).toEqual([10 * g.indices[1]!, 255, 0]);
    expect(px(g.height - 2, g.width - 2)).toEqual([128, 128, 128]); // the fourth cell is empty
  });

  it('writes a PNG atomically, and a bad path is a UserError', async () => {
    const file = join(dir, 'sub', 'preview.png');
    const r = await writePreviewGrid(rgb(), file);
    expect(r.file).toBe(file);
    const meta = await sharp(file).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['png', r.width, r.height]);
    expect(readdirSync(join(dir, 'sub'))).toEqual(['preview.png']);
    await expect(writePreviewGrid(rgb(), join(file, 'inside-a-file.png'))).rejects.toThrow(UserError);
    expect(existsSync(join(file, 'inside-a-file.png'))).toBe(false);
  });
});
