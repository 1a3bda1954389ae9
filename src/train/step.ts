// One DCGAN training iteration, written as the math (pytorch/examples dcgan/main.py, Goodfellow et al. 2014):
//   (1) Update D: maximize log(D(x)) + log(1 - D(G(z)))
//   (2) Update G: maximize log(D(G(z)))   (the non-saturating loss)
// or another GAN objective (losses.ts), with D seeing augmented images (augment.ts) and an R1 penalty (r1.ts).
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { discriminatorInput, generatorInput } from '../model/conditioning.js';
import { spectralNormStep } from '../model/layers/spectral-norm.js';
import type { StepFigures } from '../run/run-folder.js';
import type { AugmentParams, DiffAugment } from './augment.js';
import { minimize, record, type GradientReducer } from './gradients.js';
import { makeGanLoss, type GanLoss } from './losses.js';
import type { GanOptimizer } from './optimizers.js';
import { r1Due, r1Penalty, type R1Settings } from './r1.js';
import type { Rng } from '../util/rng.js';

export type { StepFigures } from '../run/run-folder.js';

export interface GanParts {
  G: tfl.LayersModel;
  D: tfl.LayersModel;
  optG: GanOptimizer;
  optD: GanOptimizer;
  /** Data-parallel training: averages each update's gradients across ranks (D's, then G's). */
  reduceGrads?: GradientReducer;
}

export interface StepSettings {
  /** Whether D ends with logits or with a sigmoid. */
  dOutput: 'logits' | 'probability';
  /** 'separate': real and fake batches, one D update; 'concat': one [real; fake] batch; 'half': half of each, two updates. */
  dBatch: 'separate' | 'concat' | 'half';
  /** G updates per D update. */
  gSteps: number;
  /** Classes of a class-conditional DCGAN; 0 when unconditional. */
  classes: number;
  /** The GAN objective; default: non-saturating BCE on D's output kind. */
  loss?: GanLoss;
  /**
   * Differentiable augmentation of every image D sees: reals and fakes, in D's update and in G's (DiffAugment,
   * Zhao et al. 2020, section 3.2). Each batch draws its own parameters from `rng`; each transform is applied
   * to each image with probability `p` (1: DiffAugment; ADA's adaptive p otherwise).
   */
  augment?: { pipe: DiffAugment; rng: Rng; p: number };
  /** The R1 penalty on real images, every `every` steps (needs `StepBatch.step`). */
  r1?: R1Settings;
}

export interface StepBatch {
  /** Real images, NHWC in [-1, 1]. */
  real: tf.Tensor4D;
  /** Latent vectors, one per image; gSteps > 1 uses one more batch of them per extra G step. */
  z: tf.Tensor2D[];
  /** Targets for D on real and on fake images (one per image: smoothed and/or noisy labels). */
  realTarget: tf.Tensor;
  fakeTarget: tf.Tensor;
  /** Conditional runs: the real images' classes, and the classes G is asked for (int32). */
  realLabels?: tf.Tensor1D;
  fakeLabels?: tf.Tensor1D;
  /** This iteration's number, counted from 1 (lazy R1 runs on multiples of its interval). */
  step?: number;
}

/** What an iteration reports beyond the four figures: ADA's signal and R1's value. */
export interface StepSignals {
  /** Sum over the real images D saw of sign(D(x) - the loss's boundary): ADA's r_t numerator. */
  realSigns: number;
  /** How many real images that sum covers. */
  realCount: number;
  /** The R1 penalty gamma / 2 * E||grad D(x)||^2 (without the lazy weight) when it ran this step, else NaN. */
  r1: number;
}

function firstRows<T extends tf.Tensor>(t: T, n: number): T {
  return tf.slice(t, 0, n) as T;
}

/**
 * Runs one iteration and returns its figures. Tensors it makes are freed (one host sync at the end, to
 * read the figures); the caller owns and frees `batch`.
 */
export function ganStep(parts: GanParts, batch: StepBatch, s: StepSettings): StepFigures & StepSignals {
  const { G, D, optG, optD, reduceGrads } = parts;
  const loss = s.loss ?? makeGanLoss('bce', s.dOutput, 'this architecture');
  // Spectral normalisation (Miyato et al. 2018, Algorithm 1): one power iteration per step, before the updates.
  spectralNormStep(D);
  spectralNormStep(G);
  const gVars = G.trainableWeights.map((w) => w.read() as tf.Variable);
  const dVars = D.trainableWeights.map((w) => w.read() as tf.Variable);
  const D_ = (x: tf.Tensor4D, labels?: tf.Tensor1D) => D.apply(discriminatorInput(x, labels, s.classes), { training: true }) as tf.Tensor;
  const G_ = (z: tf.Tensor2D) => G.apply(generatorInput(z, batch.fakeLabels, s.classes), { training: true }) as tf.Tensor4D;
  // T(x): each call draws a new augmentation of its batch (identity without --augment).
  const draw = (x: tf.Tensor4D): AugmentParams | undefined => {
    const a = s.augment;
    return a && a.pipe.draw(a.rng, x.shape[0], x.shape[1], x.shape[2], a.p);
  };
  const T = (x: tf.Tensor4D, t: AugmentParams | undefined) => (t ? s.augment!.pipe.apply(x, t) : x);
  const withR1 = r1Due(batch.step ?? 0, s.r1);

  const figures = tf.tidy(() => {
    // fake = G(z): state size nc x H x W. Recorded for G's update in (2); D's update in (1) does not
    // differentiate through it (fake.detach() in PyTorch).
    const recorded = record(() => G_(batch.z[0]!));
    const fake = recorded.value;
    const signs = (out: tf.Tensor) => tf.keep(tf.sum(tf.sign(tf.sub(out, loss.boundary))));
    // R1 on the reals D's update sees, through the same augmentation; lazy: weighted by its interval.
    let r1 = tf.keep(tf.scalar(NaN));
    const addR1 = (adv: tf.Scalar, real: tf.Tensor4D, t: AugmentParams | undefined, labels?: tf.Tensor1D): tf.Scalar => {
      if (!withR1) return adv;
      const penalty = r1Penalty((x) => D_(T(x, t), labels), real, s.r1!.gamma);
      r1.dispose();
      r1 = tf.keep(tf.clone(penalty));
      return tf.add(adv, tf.mul(penalty, s.r1!.every));
    };

    // (1) Update D: maximize log(D(x)) + log(1 - D(G(z)))
    let dx!: tf.Tensor, dgz1!: tf.Tensor, realSigns!: tf.Tensor, lossD: tf.Tensor;
    let realCount = batch.real.shape[0];
    if (s.dBatch === 'half') {
      // Keras-style: half a batch of each, as two separate updates (train_on_batch twice).
      const half = Math.max(1, Math.floor(batch.real.shape[0] / 2));
      realCount = half;
      const realLabels = batch.realLabels && firstRows(batch.realLabels, half);
      const fakeLabels = batch.fakeLabels && firstRows(batch.fakeLabels, half);
      const real = firstRows(batch.real, half);
      const tReal = draw(real);
      const lossReal = minimize(optD, () => {
        const out = D_(T(real, tReal), realLabels);
        dx = tf.keep(tf.mean(loss.display(out)));
        realSigns = signs(out);
        return addR1(loss.d(out, firstRows(batch.realTarget, half)), real, tReal, realLabels);
      }, dVars, undefined, reduceGrads);
      const fakeHalf = firstRows(fake, half);
      const tFake = draw(fakeHalf);
      const lossFake = minimize(optD, () => {
        const out = D_(T(fakeHalf, tFake), fakeLabels);
        dgz1 = tf.keep(tf.mean(loss.display(out)));
        return loss.d(out, firstRows(batch.fakeTarget, half));
      }, dVars, undefined, reduceGrads);
      lossD = tf.add(lossReal, lossFake);
    } else {
      const tReal = draw(batch.real), tFake = draw(fake);
      lossD = minimize(optD, () => {
        let outReal: tf.Tensor, outFake: tf.Tensor;
        if (s.dBatch === 'concat') {
          // Keras MNIST: one batch of [real; fake] with targets [1; 0].
          const labels = batch.realLabels && batch.fakeLabels ? tf.concat([batch.realLabels, batch.fakeLabels]) as tf.Tensor1D : undefined;
          const out = D_(tf.concat([T(batch.real, tReal), T(fake, tFake)]), labels);
          const n = batch.real.shape[0];
          outReal = tf.slice(out, 0, n);
          outFake = tf.slice(out, n);
          dx = tf.keep(tf.mean(loss.display(outReal)));
          dgz1 = tf.keep(tf.mean(loss.display(outFake)));
          realSigns = signs(outReal);
          return addR1(loss.d(out, tf.concat([batch.realTarget, batch.fakeTarget])), batch.real, tReal, batch.realLabels);
        }
        outReal = D_(T(batch.real, tReal), batch.realLabels);
        outFake = D_(T(fake, tFake), batch.fakeLabels);
        dx = tf.keep(tf.mean(loss.display(outReal)));
        dgz1 = tf.keep(tf.mean(loss.display(outFake)));
        realSigns = signs(outReal);
        // errD = errD_real + errD_fake
        return addR1(tf.add(loss.d(outReal, batch.realTarget), loss.d(outFake, batch.fakeTarget)), batch.real, tReal, batch.realLabels);
      }, dVars, undefined, reduceGrads);
    }

    // (2) Update G: maximize log(D(G(z))), i.e. minimise BCE(D(G(z)), 1); D is not updated here.
    let dgz2!: tf.Tensor;
    let lossG!: tf.Scalar;
    for (let k = 0; k < s.gSteps; k++) {
      // The first G step differentiates through the recorded G(z); further ones draw a new z.
      const z = batch.z[Math.min(k, batch.z.length - 1)]!;
      // G's update sees augmented fakes too: T is differentiable, so G learns through it (DiffAugment).
      const t = draw(fake);
      lossG = minimize(optG, () => {
        const out = D_(T(k === 0 ? fake : G_(z), t), batch.fakeLabels);
        if (k === 0) dgz2 = tf.keep(tf.mean(loss.display(out)));
        return loss.g(out);
      }, gVars, k === 0 ? recorded : undefined, reduceGrads);
    }
    const out = tf.stack([lossD, lossG, dx, dgz1, dgz2, realSigns, tf.scalar(realCount), r1]);
    // Kept past their minimize() scopes to be read here.
    tf.dispose([dx, dgz1, dgz2, realSigns, r1]);
    return out;
  });
  // The one device-to-host sync of the iteration.
  const [lossD, lossG, dx, dgz1, dgz2, realSigns, realCount, r1] = Array.from(figures.dataSync());
  figures.dispose();
  return { lossD: lossD!, lossG: lossG!, dx: dx!, dgz1: dgz1!, dgz2: dgz2!, realSigns: realSigns!, realCount: realCount!, r1: r1! };
}
