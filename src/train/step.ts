// One DCGAN training iteration, written as the math (pytorch/examples dcgan/main.py, Goodfellow et al. 2014):
//   (1) Update D: maximize log(D(x)) + log(1 - D(G(z)))
//   (2) Update G: maximize log(D(G(z)))   (the non-saturating loss)
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { discriminatorInput, generatorInput } from '../model/conditioning.js';
import { minimize, record, type GradientReducer } from './gradients.js';
import { ganLoss, toProbability } from './losses.js';
import type { StepFigures } from '../run/run-folder.js';
import type { GanOptimizer } from './optimizers.js';

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
}

function firstRows<T extends tf.Tensor>(t: T, n: number): T {
  return tf.slice(t, 0, n) as T;
}

/**
 * Runs one iteration and returns its figures. Tensors it makes are freed (one host sync at the end, to
 * read the figures); the caller owns and frees `batch`.
 */
export function ganStep(parts: GanParts, batch: StepBatch, s: StepSettings): StepFigures {
  const { G, D, optG, optD, reduceGrads } = parts;
  const loss = ganLoss(s.dOutput);
  const gVars = G.trainableWeights.map((w) => w.read() as tf.Variable);
  const dVars = D.trainableWeights.map((w) => w.read() as tf.Variable);
  const D_ = (x: tf.Tensor4D, labels?: tf.Tensor1D) => D.apply(discriminatorInput(x, labels, s.classes), { training: true }) as tf.Tensor;
  const G_ = (z: tf.Tensor2D) => G.apply(generatorInput(z, batch.fakeLabels, s.classes), { training: true }) as tf.Tensor4D;

  const figures = tf.tidy(() => {
    // fake = G(z): state size nc x H x W. Recorded for G's update in (2); D's update in (1) does not
    // differentiate through it (fake.detach() in PyTorch).
    const recorded = record(() => G_(batch.z[0]!));
    const fake = recorded.value;

    // (1) Update D: maximize log(D(x)) + log(1 - D(G(z)))
    let dx!: tf.Tensor, dgz1!: tf.Tensor, lossD: tf.Tensor;
    if (s.dBatch === 'half') {
      // Keras-style: half a batch of each, as two separate updates (train_on_batch twice).
      const half = Math.max(1, Math.floor(batch.real.shape[0] / 2));
      const realLabels = batch.realLabels && firstRows(batch.realLabels, half);
      const fakeLabels = batch.fakeLabels && firstRows(batch.fakeLabels, half);
      const lossReal = minimize(optD, () => {
        const out = D_(firstRows(batch.real, half), realLabels);
        dx = tf.keep(tf.mean(toProbability(out, s.dOutput)));
        return loss(out, firstRows(batch.realTarget, half));
      }, dVars, undefined, reduceGrads);
      const lossFake = minimize(optD, () => {
        const out = D_(firstRows(fake, half), fakeLabels);
        dgz1 = tf.keep(tf.mean(toProbability(out, s.dOutput)));
        return loss(out, firstRows(batch.fakeTarget, half));
      }, dVars, undefined, reduceGrads);
      lossD = tf.add(lossReal, lossFake);
    } else {
      lossD = minimize(optD, () => {
        let outReal: tf.Tensor, outFake: tf.Tensor;
        if (s.dBatch === 'concat') {
          // Keras MNIST: one batch of [real; fake] with targets [1; 0].
          const labels = batch.realLabels && batch.fakeLabels ? tf.concat([batch.realLabels, batch.fakeLabels]) as tf.Tensor1D : undefined;
          const out = D_(tf.concat([batch.real, fake]), labels);
          const n = batch.real.shape[0];
          outReal = tf.slice(out, 0, n);
          outFake = tf.slice(out, n);
          dx = tf.keep(tf.mean(toProbability(outReal, s.dOutput)));
          dgz1 = tf.keep(tf.mean(toProbability(outFake, s.dOutput)));
          return loss(out, tf.concat([batch.realTarget, batch.fakeTarget]));
        }
        outReal = D_(batch.real, batch.realLabels);
        outFake = D_(fake, batch.fakeLabels);
        dx = tf.keep(tf.mean(toProbability(outReal, s.dOutput)));
        dgz1 = tf.keep(tf.mean(toProbability(outFake, s.dOutput)));
        // errD = errD_real + errD_fake
        return tf.add(loss(outReal, batch.realTarget), loss(outFake, batch.fakeTarget));
      }, dVars, undefined, reduceGrads);
    }

    // (2) Update G: maximize log(D(G(z))), i.e. minimise BCE(D(G(z)), 1); D is not updated here.
    let dgz2!: tf.Tensor;
    let lossG!: tf.Scalar;
    for (let k = 0; k < s.gSteps; k++) {
      // The first G step differentiates through the recorded G(z); further ones draw a new z.
      const z = batch.z[Math.min(k, batch.z.length - 1)]!;
      lossG = minimize(optG, () => {
        const out = D_(k === 0 ? fake : G_(z), batch.fakeLabels);
        if (k === 0) dgz2 = tf.keep(tf.mean(toProbability(out, s.dOutput)));
        return loss(out, 1);
      }, gVars, k === 0 ? recorded : undefined, reduceGrads);
    }
    const out = tf.stack([lossD, lossG, dx, dgz1, dgz2]);
    // Kept past their minimize() scopes to be read here.
    tf.dispose([dx, dgz1, dgz2]);
    return out;
  });
  // The one device-to-host sync of the iteration.
  const [lossD, lossG, dx, dgz1, dgz2] = Array.from(figures.dataSync());
  figures.dispose();
  return { lossD: lossD!, lossG: lossG!, dx: dx!, dgz1: dgz1!, dgz2: dgz2! };
}
