// Sampling and latent-space exploration over an opened generator: N samples, walks between latent points,
// per-dimension traversals, vector arithmetic (Radford et al. 2015, section 6.3.2), and images larger than
// the training size from a spatially tiled z (as soumith/dcgan.torch).
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { UserError } from '../util/errors.js';
import { generateData, type BnMode } from './generate.js';
import { makeGrid, type RawImage } from './grid.js';
import { row, sampleLatents, stack, walk } from './latent.js';
import type { OpenedGenerator } from './source.js';

export interface Batchwise {
  bn: BnMode;
  /** Images generated per call (with bn 'batch', the batch BatchNorm normalises over). */
  batch?: number;
}

export interface Generated {
  images: Float32Array;
  n: number;
  z: Float32Array;
  labels?: Int32Array;
}

function imageShape(g: OpenedGenerator): [number, number, 1 | 3] {
  return [g.meta.image.height, g.meta.image.width, g.meta.image.channels as 1 | 3];
}

/** Decodes latent vectors (and labels for a conditional generator). */
export function decode(g: OpenedGenerator, z: Float32Array, opts: Batchwise & { labels?: Int32Array }): Float32Array {
  if (g.meta.classes > 0 && !opts.labels) throw new UserError(`this generator is class-conditional (${g.meta.classes} classes): give the classes to draw (--class)`);
  return generateData(g.model, z, g.meta.nz, { bn: opts.bn, batch: opts.batch, labels: opts.labels, classes: g.meta.classes });
}

/** Class labels for n images: the given classes repeated, or every class in turn. */
export function labelsFor(g: OpenedGenerator, n: number, classes?: number[]): Int32Array | undefined {
  if (g.meta.classes === 0) {
    if (classes?.length) throw new UserError('--class: this generator is not class-conditional');
    return undefined;
  }
  for (const c of classes ?? []) {
    if (!(c >= 0 && c < g.meta.classes)) throw new UserError(`--class ${c}: the generator has classes 0..${g.meta.classes - 1}${g.meta.classNames ? ` (${g.meta.classNames.join(', ')})` : ''}`);
  }
  const pool = classes?.length ? classes : Array.from({ length: g.meta.classes }, (_, i) => i);
  return Int32Array.from({ length: n }, (_, i) => pool[i % pool.length]!);
}

/** n seeded samples. */
export function sample(g: OpenedGenerator, opts: Batchwise & { n: number; seed: number; truncation?: number; classes?: number[] }): Generated {
  const z = sampleLatents(opts.seed, opts.n, g.meta.nz, g.meta.latent, opts.truncation);
  const labels = labelsFor(g, opts.n, opts.classes);
  return { images: decode(g, z, { ...opts, labels }), n: opts.n, z, labels };
}

/** A walk through `points` seeded latent points, `steps` frames per segment. */
export function interpolate(g: OpenedGenerator, opts: Batchwise & { points: number; steps: number; mode: 'lerp' | 'slerp'; seed: number; truncation?: number; classes?: number[] }): Generated {
  if (opts.points < 2) throw new UserError('--points must be at least 2');
  const base = sampleLatents(opts.seed, opts.points, g.meta.nz, g.meta.latent, opts.truncation);
  const path = walk(Array.from({ length: opts.points }, (_, k) => row(base, k, g.meta.nz)), opts.steps, opts.mode);
  const z = stack(path);
  const labels = labelsFor(g, path.length, opts.classes?.slice(0, 1));
  return { images: decode(g, z, { ...opts, labels }), n: path.length, z, labels };
}

/** For each of `dims`, z with that one component swept over [-range, range] in `steps`; rows = dims. */
export function traverse(g: OpenedGenerator, opts: Batchwise & { dims: number[]; steps: number; range: number; seed: number; classes?: number[] }): Generated {
  const nz = g.meta.nz;
  for (const d of opts.dims) if (!(d >= 0 && d < nz)) throw new UserError(`--dims: dimension ${d} is outside 0..${nz - 1}`);
  const base = sampleLatents(opts.seed, 1, nz, g.meta.latent);
  const vs: Float32Array[] = [];
  for (const d of opts.dims) {
    for (let s = 0; s < opts.steps; s++) {
      const v = base.slice();
      v[d] = -opts.range + (2 * opts.range * s) / Math.max(1, opts.steps - 1);
      vs.push(v);
    }
  }
  const z = stack(vs);
  const labels = labelsFor(g, vs.length, opts.classes?.slice(0, 1));
  return { images: decode(g, z, { ...opts, labels }), n: vs.length, z, labels };
}

/** An exemplar: index k of the numbered sheet drawn with `sheetSeed`, or the single z drawn from a seed. */
export type Exemplar = { index: number } | { seed: number };

export interface ArithmeticResult {
  /** Rows: the exemplars of A, B, C and their mean; then the result and its neighbours. */
  figure: RawImage;
  /** A - B + C. */
  z: Float32Array;
}

/**
 * Vector arithmetic as in Radford et al. 2015, 6.3.2: the mean z of three exemplars per concept,
 * A - B + C decoded, with `neighbours` more from A - B + C + U(-noise, noise).
 */
export function arithmetic(g: OpenedGenerator, opts: Batchwise & {
  a: Exemplar[]; b: Exemplar[]; c: Exemplar[]; sheetSeed: number; sheetSize: number; neighbours: number; noise: number; seed: number;
}): ArithmeticResult {
  const nz = g.meta.nz;
  const sheet = sampleLatents(opts.sheetSeed, opts.sheetSize, nz, g.meta.latent);
  const zOf = (e: Exemplar): Float32Array => {
    if ('seed' in e) return sampleLatents(e.seed, 1, nz, g.meta.latent);
    if (!(e.index >= 0 && e.index < opts.sheetSize)) throw new UserError(`exemplar ${e.index} is not on the sheet (0..${opts.sheetSize - 1})`);
    return row(sheet, e.index, nz);
  };
  const mean = (es: Exemplar[]) => {
    const m = new Float32Array(nz);
    for (const e of es) zOf(e).forEach((v, i) => { m[i] = m[i]! + v / es.length; });
    return m;
  };
  for (const [name, es] of [['A', opts.a], ['B', opts.b], ['C', opts.c]] as const) {
    if (es.length === 0) throw new UserError(`--${name.toLowerCase()}: give at least one exemplar (the paper averages three)`);
  }
  const [ma, mb, mc] = [mean(opts.a), mean(opts.b), mean(opts.c)];
  const result = ma.map((v, i) => v - mb[i]! + mc[i]!);
  const noise = sampleLatents(opts.seed, opts.neighbours, nz, 'uniform').map((u) => u * opts.noise);
  const neighbours = Array.from({ length: opts.neighbours }, (_, k) => result.map((v, i) => v + noise[k * nz + i]!));
  const cols = Math.max(opts.a.length, opts.b.length, opts.c.length) + 1, width = Math.max(cols, opts.neighbours + 1);
  const [h, w, c] = imageShape(g);
  const blank = new Float32Array(nz);
  const cells: (Float32Array | null)[] = [];
  for (const [es, m] of [[opts.a, ma], [opts.b, mb], [opts.c, mc]] as const) {
    const rowCells: (Float32Array | null)[] = es.map(zOf);
    while (rowCells.length < cols - 1) rowCells.push(null);
    rowCells.push(m);
    while (rowCells.length < width) rowCells.push(null);
    cells.push(...rowCells);
  }
  cells.push(result, ...neighbours);
  while (cells.length % width !== 0) cells.push(null);
  const labels = labelsFor(g, cells.length);
  const images = decode(g, stack(cells.map((z) => z ?? blank)), { ...opts, labels });
  // Empty cells stay black (-1).
  const size = h * w * c;
  cells.forEach((z, k) => { if (!z) images.fill(-1, k * size, (k + 1) * size); });
  return { figure: makeGrid(images, cells.length, h, w, c, { cols: width, pad: 2 }), z: result };
}

/**
 * A larger image from a fully convolutional generator: z laid out on a `tiles` x `tiles` grid (one vector
 * per position, or the same everywhere) through the generator without its initial reshape.
 */
export async function large(g: OpenedGenerator, opts: { tiles: number; seed: number; sameZ?: boolean; bn: BnMode }): Promise<RawImage> {
  const topo = g.artifacts.modelTopology as { config: { layers: { class_name: string; config: Record<string, unknown> }[] } };
  const layers = topo.config.layers;
  const first = layers[0], second = layers[1];
  const zIn = g.meta.nz + g.meta.classes;
  const target = first?.config.target_shape as number[] | undefined;
  if (!first || first.class_name !== 'Reshape' || !target || target[0] !== 1 || target[1] !== 1 || second?.class_name !== 'Conv2DTranspose') {
    throw new UserError(`large images need a fully convolutional generator (one that reshapes z to 1x1 and starts with a transposed convolution, as dcgan64 and pytorch-celeba); this one (${g.meta.preset}) starts with ${first?.class_name ?? 'nothing'}`);
  }
  if (g.meta.classes) throw new UserError('large images of a class-conditional generator are not supported');
  const variant = {
    ...topo,
    config: { ...topo.config, layers: [{ ...second, config: { ...second.config, batch_input_shape: [null, opts.tiles, opts.tiles, zIn] } }, ...layers.slice(2)] },
  };
  const model = await tfl.loadLayersModel(tf.io.fromMemory({ ...g.artifacts, modelTopology: variant }));
  try {
    const n = opts.tiles * opts.tiles;
    const z = opts.sameZ ? stack(Array.from({ length: n }, () => sampleLatents(opts.seed, 1, g.meta.nz, g.meta.latent))) : sampleLatents(opts.seed, n, g.meta.nz, g.meta.latent);
    const out = tf.tidy(() => {
      const input = tf.tensor4d(z, [1, opts.tiles, opts.tiles, zIn]);
      if (opts.bn === 'running') return model.apply(input, { training: false }) as tf.Tensor4D;
      return model.apply(input, { training: true }) as tf.Tensor4D;
    });
    const [, h, w, c] = out.shape;
    const data = out.dataSync() as Float32Array;
    out.dispose();
    return makeGrid(data, 1, h, w, c as 1 | 3, { pad: 0 });
  } finally {
    model.dispose();
  }
}
