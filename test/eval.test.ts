// Smoke tests of evaluation through the real CLI on a tiny MNIST run: train --eval-every logs FID and keeps
// the best checkpoint, eval measures a run and a folder of images (and a user's feature network agrees with
// the built-in one), probe compares trained D, random D and pixels, and bad input fails with one line.
// The MNIST feature classifier lives in the user's cache folder (trained once, about half a minute).
import sharp from 'sharp';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cacheDirOf } from '../src/data/index.js';
import { dcganAsync, tempDir, type CliResult } from './helpers.js';

type Json = Record<string, unknown>;

/** Runs the CLI without blocking the test worker (long runs would stall vitest's RPC with spawnSync). */
function dcgan(...args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = dcganAsync(...args);
    let stdout = '', stderr = '';
    child.stdout!.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
const json = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Json;
const metricsOf = (report: Json) => report.metrics as Record<string, number>;

let root = '';
let run = '';

describe('evaluation commands', () => {
  beforeAll(async () => {
    root = tempDir();
    run = join(root, 'run');
    const r = await dcgan('train', '--data', 'mnist', '--max-steps', '4', '--batch-size', '16', '--eval-every', '2', '--eval-samples', '200', '--out', run);
    expect(r.code, r.stderr).toBe(0);
  });

  it('train --eval-every: FID, KID, precision/recall and coverage join metrics.jsonl; the best-by-FID checkpoint is kept', async () => {
    const lines = readFileSync(join(run, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Json);
    const evaluated = lines.filter((l) => 'fid' in l);
    expect(evaluated.map((l) => l.step)).toEqual([2, 4]);
    for (const l of evaluated) {
      for (const k of ['fid', 'kid', 'kidStd', 'precision', 'recall', 'coverage', 'classKL']) expect(Number.isFinite(l[k]), k).toBe(true);
      expect(l.fid as number).toBeGreaterThan(0);
    }
    const best = evaluated.reduce((a, b) => ((b.fid as number) < (a.fid as number) ? b : a));
    const meta = json(join(run, 'checkpoints', 'best', 'checkpoint.json')).meta as Json;
    expect(meta.step).toBe(best.step);
  });

  it('eval RUN: prints the metrics, writes eval.json and the nearest-training-images sheet', async () => {
    const r = await dcgan('eval', run, '-n', '300', '--kid-subsets', '5', '--memorization', '100');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/FID +\d+\.\d+ +\(300 generated vs 8000 real\)/);
    expect(r.stdout).toMatch(/KID .* \(5 subsets of 300\)/);
    expect(r.stdout).toMatch(/precision .* recall .*\(k = 3, 300 vs 300\)/);
    expect(r.stdout).toMatch(/coverage/);
    expect(r.stdout).toMatch(/memorization/);
    const report = json(join(run, 'eval.json'));
    expect(report).toMatchObject({ data: 'mnist', split: 'train', image: [28, 28, 1], step: 4, generation: { seed: 0, bn: 'running' } });
    const m = metricsOf(report);
    for (const k of ['fid', 'kid', 'precision', 'recall', 'coverage']) expect(Number.isFinite(m[k]), k).toBe(true);
    // The cached classifier's test accuracy: 0.9695 on AVX-512 and AVX2 (see src/eval/classifier.test.ts).
    expect((report.featureNetwork as Json).testAccuracy as number).toBeGreaterThan(0.9);
    expect(report.memorization).toMatchObject({ generated: 100, heldOut: 100, trainImages: 8000 });
    const png = await sharp(join(run, 'eval-nearest.png')).metadata();
    // 16 samples in two blocks of 8 rows: [sample, 3 nearest], blank column, [sample, 3 nearest].
    expect([png.width, png.height]).toEqual([9 * 30 + 2, 8 * 30 + 2]);
    // The same seed gives the same figures.
    const again = join(root, 'again');
    expect((await dcgan('eval', run, '-n', '300', '--kid-subsets', '5', '--no-memorization', '--out', again)).code).toBe(0);
    expect(metricsOf(json(join(again, 'eval.json')))).toEqual(m);
    expect(existsSync(join(again, 'eval-nearest.png'))).toBe(false);
  });

  it("eval FOLDER --data mnist measures image files; --features with the classifier's model.json agrees with the built-in", async () => {
    const images = join(root, 'images');
    expect((await dcgan('sample', run, '-n', '300', '--out', images, '--no-grid')).code).toBe(0);
    const out = join(root, 'folder-eval');
    const r = await dcgan('eval', images, '--data', 'mnist', '--kid-subsets', '5', '--no-memorization', '--out', out);
    expect(r.code, r.stderr).toBe(0);
    const folder = json(join(out, 'eval.json'));
    expect((folder.counts as Json).generated).toBe(300);
    const fromRun = json(join(root, 'again', 'eval.json'));
    // The same 300 images, rounded to 8 bits by the PNG files: 2.9e-4 apart relative (AVX-512 and AVX2), which the
    // rounding sets, not the machine; 0.02 is 70 times that.
    expect(Math.abs(metricsOf(folder).fid! - metricsOf(fromRun).fid!) / metricsOf(fromRun).fid!).toBeLessThan(0.02);

    const id = (fromRun.featureNetwork as Json).id as string;
    const model = join(cacheDirOf({}), 'eval', id, 'model.json');
    expect(existsSync(model), model).toBe(true);
    const user = join(root, 'user-eval');
    const u = await dcgan('eval', run, '-n', '300', '--kid-subsets', '5', '--no-memorization', '--features', model, '--features-layer', 'features', '--out', user);
    expect(u.code, u.stderr).toBe(0);
    const byUser = json(join(user, 'eval.json'));
    expect((byUser.featureNetwork as Json).id).not.toBe(id);
    expect(metricsOf(byUser).coverage).toBeUndefined();
    for (const k of ['fid', 'kid', 'precision', 'recall']) expect(metricsOf(byUser)[k], k).toBeCloseTo(metricsOf(fromRun)[k]!, 4);
  });

  it('probe RUN: linear-probe test accuracy of trained D, random D and pixels', async () => {
    const r = await dcgan('probe', run, '--labels', '100', '--test-limit', '500');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/trained D +3072 features +test accuracy/);
    const report = json(join(run, 'probe.json'));
    expect(report).toMatchObject({ labels: 100, perClass: 10, testImages: 500, step: 4, data: 'mnist' });
    const results = report.results as Json[];
    expect(results.map((x) => x.features)).toEqual(['trained D', 'random D', 'pixels']);
    expect(results.map((x) => x.dim)).toEqual([3072, 3072, 784]);
    // Ten classes: far above chance (10 %) with 100 labels, for every feature set: measured 0.836, 0.836 and
    // 0.752 on AVX-512 and AVX2; 0.4 is 180 of the 500 test images below the lowest.
    for (const x of results) expect(x.accuracy as number).toBeGreaterThan(0.4);
  });

  it('bad input fails with one line that says what to do', async () => {
    const fake = join(root, 'fake');
    expect((await dcgan('train', '--dry-run', '--batch-size', '4', '--out', fake)).code).toBe(0);
    const e = await dcgan('eval', fake, '-n', '50');
    expect(e.code).toBe(1);
    expect(e.stderr.trim().split('\n')).toHaveLength(1);
    expect(e.stderr).toMatch(/no built-in feature network.*--features model\.json/);
    const p = await dcgan('probe', fake);
    expect(p.code).toBe(1);
    expect(p.stderr).toMatch(/test split/);
    const folder = await dcgan('eval', join(run, 'samples'));
    expect(folder.code).toBe(1);
    expect(folder.stderr).toMatch(/folder of images; pass --data SPEC/);
    const dry = join(root, 'dry-eval');
    const t = await dcgan('train', '--dry-run', '--eval-every', '1', '--out', dry);
    expect(t.code).toBe(1);
    expect(t.stderr).toMatch(/pass --eval-features model\.json/);
    expect(existsSync(dry)).toBe(false);
    expect((await dcgan('eval', join(root, 'nope'))).stderr).toMatch(/does not exist/);
    expect(readdirSync(root)).not.toContain('nope');
  });
});
