// An exponential moving average of the generator's weights (Polyak averaging; as diffusers' EMA model):
// ema = decay * ema + (1 - decay) * w after every G update; BatchNorm's running statistics are copied.
// Samples from the average are usually smoother than from the last weights.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { standingStatistics } from '../model/layers/batch-norm.js';

export class Ema {
  /** One variable per weight of G (trainable and not), in G.weights order. */
  readonly shadow: tf.Variable[];
  private readonly trainable: boolean[];

  constructor(private readonly G: tfl.LayersModel, readonly decay: number) {
    const trainableIds = new Set(G.trainableWeights.map((w) => w.id));
    this.trainable = G.weights.map((w) => trainableIds.has(w.id));
    // Real copies (tf.clone would share the data), so that G's weights stay the sole owners of theirs.
    this.shadow = G.weights.map((w) => tf.tidy(() => tf.variable(tf.mul(w.read(), 1), false)));
  }

  update(): void {
    const d = this.decay;
    this.G.weights.forEach((w, i) => {
      const s = this.shadow[i]!;
      tf.tidy(() => s.assign(this.trainable[i] ? tf.add(tf.mul(s, d), tf.mul(w.read(), 1 - d)) : w.read()));
    });
  }

  /** Copies G's running statistics (its weights that are not trained) into the average, as update() does. */
  syncBuffers(): void {
    this.G.weights.forEach((w, i) => {
      if (!this.trainable[i]) tf.tidy(() => this.shadow[i]!.assign(w.read()));
    });
  }

  /**
   * Copies the averaged weights into `target`, a generator of the same architecture. With `calibration`
   * (batches of G's input), its BatchNorm running statistics are then re-estimated from the averaged weights'
   * own activations: G's, which the shadow copies, belong to other weights and spoil sampling with running
   * statistics.
   */
  copyTo(target: tfl.LayersModel, calibration?: tf.Tensor[]): void {
    target.setWeights(this.shadow);
    if (calibration) standingStatistics(target, calibration);
  }

  /** Restores the average from saved tensors (the Ema copies them). */
  load(values: tf.Tensor[]): void {
    values.forEach((v, i) => this.shadow[i]!.assign(v));
  }

  dispose(): void {
    tf.dispose(this.shadow);
  }
}
