// The GAN losses: D's loss on real and fake outputs and G's loss, for non-saturating BCE, hinge and least squares.
import * as tf from '@tensorflow/tfjs-core';
import { LOSS_NAMES, type LossName } from '../run/knobs.js';
import { UserError } from '../util/errors.js';

/** mean(max(x, 0) - x * y + log(1 + exp(-|x|))): BCE on logits, stable for large |x| (as BCEWithLogitsLoss). */
export function bceWithLogits(logits: tf.Tensor, target: tf.Tensor | number): tf.Scalar {
  return tf.tidy(() => {
    const y = typeof target === 'number' ? tf.scalar(target) : target;
    const term = tf.add(tf.sub(tf.relu(logits), tf.mul(logits, y)), tf.log1p(tf.exp(tf.neg(tf.abs(logits)))));
    return tf.mean(term) as tf.Scalar;
  });
}

/** BCE on probabilities, clipped to [1e-7, 1 - 1e-7] as Keras's binary_crossentropy. */
export function bceOnProbabilities(p: tf.Tensor, target: tf.Tensor | number): tf.Scalar {
  return tf.tidy(() => {
    const y = typeof target === 'number' ? tf.scalar(target) : target;
    const q = tf.clipByValue(p, 1e-7, 1 - 1e-7);
    return tf.neg(tf.mean(tf.add(tf.mul(y, tf.log(q)), tf.mul(tf.sub(1, y), tf.log(tf.sub(1, q)))))) as tf.Scalar;
  });
}

/** The loss for D's output kind. */
export function ganLoss(kind: 'logits' | 'probability'): (out: tf.Tensor, target: tf.Tensor | number) => tf.Scalar {
  return kind === 'logits' ? bceWithLogits : bceOnProbabilities;
}

/** D's output as a probability (for the D(x) and D(G(z)) figures). */
export function toProbability(out: tf.Tensor, kind: 'logits' | 'probability'): tf.Tensor {
  return kind === 'logits' ? tf.sigmoid(out) : out;
}

export { LOSS_NAMES, type LossName } from '../run/knobs.js';

/**
 * A GAN objective. D's outputs are one per image ([n, 1]); targets are D's per-image targets ([n, 1] or a
 * number): 1 for real and 0 for fake, or smoothed (one-sided label smoothing: 0.9) and flipped (label noise).
 * Every loss is a batch mean, so a batch of [real; fake] with targets [1; 0] gives the mean of the two.
 */
export interface GanLoss {
  readonly name: LossName;
  /** D's loss on its outputs for images with these targets (real and fake alike: dReal(out, 0) = dFake(out, 0)). */
  d(out: tf.Tensor, target: tf.Tensor | number): tf.Scalar;
  /** G's loss on D's outputs for generated images. */
  g(out: tf.Tensor): tf.Scalar;
  /** A figure in [0, 1] per image for D(x) and D(G(z)) logs: the sigmoid of a logit, or the probability itself. */
  display(out: tf.Tensor): tf.Tensor;
  /** D's output where it cannot tell real from fake (0 for a logit or critic value, 0.5 for a probability or LSGAN's 0-1 coding): sign(out - boundary) is ADA's overfitting signal. */
  readonly boundary: number;
}

/**
 * Non-saturating BCE (Goodfellow et al. 2014, section 3: G maximises log D(G(z))): D minimises
 * BCE(D(x), t_real) + BCE(D(G(z)), t_fake), G minimises BCE(D(G(z)), 1). On logits or on probabilities.
 */
function bce(dOutput: 'logits' | 'probability'): GanLoss {
  const f = ganLoss(dOutput);
  return { name: 'bce', d: f, g: (out) => f(out, 1), display: (out) => toProbability(out, dOutput), boundary: dOutput === 'logits' ? 0 : 0.5 };
}

/**
 * Hinge loss (Lim & Ye 2017; Miyato et al. 2018, eq. 17; Brock et al. 2019): D minimises
 * E[relu(1 - D(x))] + E[relu(1 + D(G(z)))], G minimises -E[D(G(z))]. A target t in [0, 1] weighs the two sides,
 * t * relu(1 - out) + (1 - t) * relu(1 + out), as BCE's target weighs log D and log(1 - D): t = 1 and 0 are
 * the paper's terms, 0.9 is one-sided label smoothing, a flipped label swaps the side.
 */
const hinge: GanLoss = {
  name: 'hinge',
  d: (out, target) => tf.tidy(() => {
    const t = typeof target === 'number' ? tf.scalar(target) : target;
    const realSide = tf.relu(tf.sub(1, out)), fakeSide = tf.relu(tf.add(1, out));
    return tf.mean(tf.add(tf.mul(t, realSide), tf.mul(tf.sub(1, t), fakeSide))) as tf.Scalar;
  }),
  g: (out) => tf.tidy(() => tf.neg(tf.mean(out)) as tf.Scalar),
  display: (out) => tf.sigmoid(out),
  boundary: 0,
};

/**
 * Least squares (LSGAN, Mao et al. 2017, eq. 2 with the 0-1 coding a = 0, b = c = 1): D minimises
 * 1/2 E[(D(x) - b)^2] + 1/2 E[(D(G(z)) - a)^2], G minimises 1/2 E[(D(G(z)) - c)^2]. The target is the value
 * D regresses to: b = t_real (0.9 smooths it), a = t_fake.
 */
const ls: GanLoss = {
  name: 'ls',
  d: (out, target) => tf.tidy(() => tf.mul(0.5, tf.mean(tf.square(tf.sub(out, target)))) as tf.Scalar),
  g: (out) => tf.tidy(() => tf.mul(0.5, tf.mean(tf.square(tf.sub(out, 1)))) as tf.Scalar),
  // D regresses to 1 for real and 0 for fake: its output itself is the figure (clipped to [0, 1]).
  display: (out) => tf.clipByValue(out, 0, 1),
  boundary: 0.5,
};

/**
 * The loss `name` for a discriminator whose output is `dOutput`. Hinge and least squares need a linear last
 * layer (their D is a critic with unbounded outputs); a D that ends with a sigmoid only trains with BCE, and
 * asking for another is a UserError naming `preset` (the architecture's name).
 */
export function makeGanLoss(name: LossName, dOutput: 'logits' | 'probability', preset: string): GanLoss {
  if (!(LOSS_NAMES as readonly string[]).includes(name)) {
    throw new UserError(`--loss ${String(name)}: unknown loss; use one of ${LOSS_NAMES.join(', ')}`);
  }
  if (name === 'bce') return bce(dOutput);
  if (dOutput !== 'logits') {
    throw new UserError(`--loss ${name} needs a discriminator that ends with a linear layer, and ${preset}'s ends with a sigmoid; use --loss bce with ${preset}, or a preset whose D outputs logits (dcgan28, dcgan64, tf-mnist64, paper-lsun, pytorch-celeba)`);
  }
  return name === 'hinge' ? hinge : ls;
}
