// Smoke tests of the sampling and exploration commands on a tiny trained run: what each one writes (sizes,
// frame counts), byte-identical output for the same seed, and BatchNorm 'running' output independent of
// the batch it is generated in.
import sharp from 'sharp';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { dcgan, tempDir } from './helpers.js';

let root = '';
let run = '';

async function meta(path: string) {
  return sharp(path, { animated: true }).metadata();
}

describe('sampling and exploration commands', () => {
  beforeAll(async () => {
    root = tempDir();
    run = join(root, 'run');
    const r = await dcgan('train', '--data', 'fake:32x32x3', '--preset', 'dcgan64', '--image-size', '32', '--ngf', '8', '--ndf', '8',
      '--batch-size', '8', '--max-steps', '6', '--sample-every', '2', '--checkpoint-every', '3', '--ema', '0.9', '--out', run);
    expect(r.code, r.stderr).toBe(0);
  });

  it('sample: N single files and a grid, byte-identical for the same seed', async () => {
    const a = join(root, 'a'), b = join(root, 'b');
    expect((await dcgan('sample', run, '-n', '10', '--seed', '3', '--out', a)).code).toBe(0);
    expect((await dcgan('sample', run, '-n', '10', '--seed', '3', '--out', b)).code).toBe(0);
    const files = readdirSync(a).filter((f) => /^\d{6}\.png$/.test(f));
    expect(files).toHaveLength(10);
    for (const f of [...files, 'grid.png']) expect(readFileSync(join(a, f)).equals(readFileSync(join(b, f))), f).toBe(true);
    const m = await meta(join(a, '000000.png'));
    expect([m.width, m.height, m.channels]).toEqual([32, 32, 3]);
    const other = join(root, 'c');
    expect((await dcgan('sample', run, '-n', '10', '--seed', '4', '--out', other)).code).toBe(0);
    expect(readFileSync(join(a, 'grid.png')).equals(readFileSync(join(other, 'grid.png')))).toBe(false);
  });

  it('sample --bn running: an image does not depend on the batch it was made in; --bn batch: it does', async () => {
    const one = join(root, 'r1'), many = join(root, 'r2');
    await dcgan('sample', run, '-n', '6', '--bn', 'running', '--batch', '1', '--out', one, '--no-grid');
    await dcgan('sample', run, '-n', '6', '--bn', 'running', '--batch', '6', '--out', many, '--no-grid');
    for (let k = 0; k < 6; k++) {
      const f = `${String(k).padStart(6, '0')}.png`;
      expect(readFileSync(join(one, f)).equals(readFileSync(join(many, f))), f).toBe(true);
    }
    const b3 = join(root, 'b3'), b6 = join(root, 'b6');
    await dcgan('sample', run, '-n', '6', '--bn', 'batch', '--batch', '3', '--out', b3, '--no-grid');
    await dcgan('sample', run, '-n', '6', '--bn', 'batch', '--batch', '6', '--out', b6, '--no-grid');
    expect(readFileSync(join(b3, '000000.png')).equals(readFileSync(join(b6, '000000.png')))).toBe(false);
  });

  it('sample from a chosen checkpoint, with raw or EMA weights, and from the exported generator', async () => {
    const x = join(root, 'x.png'), y = join(root, 'y.png'), z = join(root, 'z.png');
    expect((await dcgan('sample', run, '--checkpoint', '3', '--weights', 'raw', '-n', '4', '--grid', x)).code).toBe(0);
    expect((await dcgan('sample', run, '--checkpoint', '3', '--weights', 'ema', '-n', '4', '--grid', y)).code).toBe(0);
    expect((await dcgan('sample', join(run, 'generator', 'model.json'), '-n', '4', '--grid', z)).code).toBe(0);
    expect(readFileSync(x).equals(readFileSync(y))).toBe(false);
    // The last checkpoint's EMA gets the BatchNorm standing statistics the export got: the same images.
    const w = join(root, 'w.png');
    expect((await dcgan('sample', run, '--checkpoint', '6', '--weights', 'ema', '-n', '4', '--grid', w)).code).toBe(0);
    expect(readFileSync(w).equals(readFileSync(z))).toBe(true);
    const bad = await dcgan('sample', run, '--checkpoint', '99');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/no checkpoint of step 99/);
  });

  it('interpolate: a strip and a GIF with (points - 1) * steps + 1 frames', async () => {
    const prefix = join(root, 'walk');
    expect((await dcgan('interpolate', run, '--points', '3', '--steps', '5', '--out', prefix)).code).toBe(0);
    const gif = await meta(`${prefix}.gif`);
    expect(gif.pages).toBe(11);
    expect(gif.pageHeight).toBe(32);
    // The strip: a row per segment (2), each from one point to the next (6 images).
    const png = await meta(`${prefix}.png`);
    expect([png.width, png.height]).toEqual([6 * 34 + 2, 2 * 34 + 2]);
  });

  it('traverse: a row per dimension, a GIF frame per step', async () => {
    const prefix = join(root, 'trav');
    expect((await dcgan('traverse', run, '--dims', '0,5,7', '--steps', '4', '--out', prefix)).code).toBe(0);
    const png = await meta(`${prefix}.png`);
    expect([png.width, png.height]).toEqual([4 * 34 + 2, 3 * 34 + 2]);
    expect((await meta(`${prefix}.gif`)).pages).toBe(4);
  });

  it('arithmetic: a numbered sheet, then A - B + C with its neighbours', async () => {
    const sheet = join(root, 'sheet.png'), fig = join(root, 'arith.png');
    expect((await dcgan('arithmetic', run, '--sheet', '--sheet-size', '16', '--out', sheet)).code).toBe(0);
    expect((await meta(sheet)).width).toBe(4 * 34 + 2);
    const r = await dcgan('arithmetic', run, '--sheet-size', '16', '--a', '1,2,3', '--b', '4,5,s9', '--c', '7,8,9', '--out', fig);
    expect(r.code, r.stderr).toBe(0);
    // 4 rows (A, B, C, result), 9 columns (result + 8 neighbours).
    const m = await meta(fig);
    expect([m.width, m.height]).toEqual([9 * 34 + 2, 4 * 34 + 2]);
    const bad = await dcgan('arithmetic', run, '--sheet-size', '16', '--a', '1,2,99', '--b', '1', '--c', '2');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/exemplar 99 is not on the sheet/);
  });

  it('progress-gif: one frame per sample grid of the run', async () => {
    const out = join(root, 'progress.gif');
    expect((await dcgan('progress-gif', run, '--out', out)).code).toBe(0);
    expect((await meta(out)).pages).toBe(readdirSync(join(run, 'samples')).length);
  });

  it('filters: the first layer\'s 8 filters, and activations per convolution', async () => {
    const out = join(root, 'filters.png'), act = join(root, 'act');
    expect((await dcgan('filters', run, '--out', out, '--scale', '4', '--activations', act)).code).toBe(0);
    const m = await meta(out);
    // 8 filters of 4x4 in a 3-column grid with 1-px borders, scaled 4x.
    expect([m.width, m.height]).toEqual([(3 * 5 + 1) * 4, (3 * 5 + 1) * 4]);
    expect(readdirSync(act).length).toBeGreaterThanOrEqual(3);
  });

  it('large: a 4x4 z grid makes a larger image', async () => {
    const out = join(root, 'large.png');
    expect((await dcgan('large', run, '--tiles', '4', '--out', out)).code).toBe(0);
    const m = await meta(out);
    expect(m.width).toBeGreaterThan(32);
    expect(m.width).toBe(m.height);
    expect(existsSync(out)).toBe(true);
  });
});
