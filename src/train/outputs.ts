// What a run shows of its generator as it trains: the fixed-noise grids (and their noise), the exported
// generator (stock TF.js layers, for the browser), and images for the periodic evaluator.
import type * as tfl from '@tensorflow/tfjs-layers';
import { exportGenerator, readExportedGenerator, type GeneratorMeta } from '../model/export.js';
import type { ArchSpec } from '../model/spec.js';
import { generateData } from '../sample/generate.js';
import { makeGrid, writePng } from '../sample/grid.js';
import { isUserError } from '../util/errors.js';
import { Rng } from '../util/rng.js';
import type { FixedNoise } from './checkpointing.js';
import { diversity } from './health.js';

/** Images in the fixed-noise grids. */
export const FIXED_SAMPLES = 64;

/**
 * Writes the fixed-noise grid to `path` (BatchNorm with batch statistics, as pytorch/examples' samples);
 * returns the samples' diversity.
 */
export async function writeSampleGrid(G: tfl.LayersModel, arch: ArchSpec, classes: number, fixed: FixedNoise, path: string): Promise<number> {
  const { height: h, width: w, channels: c } = arch.image;
  const images = generateData(G, fixed.z, arch.nz, { bn: 'batch', labels: fixed.labels, classes, batch: FIXED_SAMPLES });
  await writePng(path, makeGrid(images, FIXED_SAMPLES, h, w, c as 1 | 3));
  return diversity(images, FIXED_SAMPLES);
}

/** The fixed noise of the sample grids, from its own stream so that it does not depend on the batch size. */
export function fixedNoise(seed: number, arch: ArchSpec, classes: number): FixedNoise {
  return {
    z: new Rng(seed * 7919 + 17).latent(FIXED_SAMPLES * arch.nz, arch.latent), nz: arch.nz,
    labels: classes ? Int32Array.from({ length: FIXED_SAMPLES }, (_, i) => i % classes) : undefined,
  };
}

/** Whether `dir` holds an intact exported generator of step `step`. */
export function exportIsCurrent(dir: string, step: number): boolean {
  try {
    return readExportedGenerator(dir).meta.step === step;
  } catch (e) {
    if (isUserError(e)) return false;
    throw e;
  }
}

/** Exports G (with what a sampler needs to know) to `dir`. */
export async function exportRunGenerator(G: tfl.LayersModel, arch: ArchSpec, classes: number, classNames: string[] | undefined, step: number, dir: string): Promise<void> {
  const meta: GeneratorMeta = { preset: arch.name, nz: arch.nz, latent: arch.latent, classes, classNames, image: arch.image, step };
  await exportGenerator(G, dir, meta);
}

/** n generated images (NHWC in [-1, 1]) for an evaluator: BatchNorm running statistics, classes in turn. */
export function generateForEval(G: tfl.LayersModel, arch: ArchSpec, classes: number, n: number, seed: number): Float32Array {
  const z = new Rng(seed).latent(n * arch.nz, arch.latent);
  const labels = classes ? Int32Array.from({ length: n }, (_, i) => i % classes) : undefined;
  return generateData(G, z, arch.nz, { bn: 'running', labels, classes, batch: 256 });
}
