// The optimizers of a DCGAN: Adam as one native kernel per variable (TF.js's Adam runs a dozen ops per
// variable and keeps all their temporaries until every variable is done), and Keras's SGD with Nesterov
// momentum (the Keras MNIST preset). Both save and restore their state for exact resume.
import * as tf from '@tensorflow/tfjs-core';
import { adamUpdate } from '../engine/custom-kernels.js';
import type { OptimizerState } from '../run/checkpoint.js';

export type { OptimizerState } from '../run/checkpoint.js';

export interface GanOptimizer {
  readonly kind: OptimizerState['kind'];
  /** Updates vars[i] with grads[i]. The first call fixes the variables this optimizer serves. */
  apply(vars: tf.Variable[], grads: tf.Tensor[]): void;
  /** Copies of the state (the caller disposes them); empty slots before the first step. */
  getState(): OptimizerState;
  /** Restores a state saved by getState() for the same variables (the optimizer copies it). */
  setState(state: OptimizerState): void;
  dispose(): void;
}

abstract class SlotOptimizer implements GanOptimizer {
  abstract readonly kind: OptimizerState['kind'];
  protected step = 0;
  protected slots: Record<string, tf.Variable[]> = {};
  protected abstract readonly slotNames: string[];

  protected ensureSlots(vars: tf.Variable[]): void {
    if (this.slots[this.slotNames[0]!]?.length === vars.length) return;
    this.disposeSlots();
    // Inside a tidy, the zeros are released once the variable holds them: each slot then owns its data alone
    // (which lets the Adam kernel update it in place).
    for (const name of this.slotNames) this.slots[name] = vars.map((v) => tf.tidy(() => tf.variable(tf.zerosLike(v), false)));
  }

  abstract apply(vars: tf.Variable[], grads: tf.Tensor[]): void;

  getState(): OptimizerState {
    const slots: Record<string, tf.Tensor[]> = {};
    for (const [name, vs] of Object.entries(this.slots)) slots[name] = vs.map((v) => tf.clone(v));
    return { kind: this.kind, step: this.step, slots };
  }

  setState(state: OptimizerState): void {
    if (state.kind !== this.kind) throw new Error(`optimizer state is for '${state.kind}', not '${this.kind}'`);
    this.disposeSlots();
    this.step = state.step;
    for (const [name, ts] of Object.entries(state.slots)) this.slots[name] = ts.map((t) => tf.variable(t, false));
  }

  private disposeSlots(): void {
    for (const vs of Object.values(this.slots)) tf.dispose(vs);
    this.slots = {};
  }

  dispose(): void {
    this.disposeSlots();
  }
}

/** Adam (Kingma & Ba 2015) with PyTorch's defaults for eps (1e-8). */
export class Adam extends SlotOptimizer {
  readonly kind = 'adam' as const;
  protected readonly slotNames = ['m', 'v'];

  constructor(readonly lr: number, readonly beta1 = 0.9, readonly beta2 = 0.999, readonly epsilon = 1e-8) {
    super();
  }

  apply(vars: tf.Variable[], grads: tf.Tensor[]): void {
    this.ensureSlots(vars);
    this.step++;
    const attrs = { lr: this.lr, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon, step: this.step };
    vars.forEach((w, i) => {
      const m = this.slots.m![i]!, v = this.slots.v![i]!;
      // One variable at a time, so temporaries never pile up.
      tf.tidy(() => {
        const [w2, m2, v2] = adamUpdate(w, m, v, grads[i]!, attrs);
        w.assign(w2);
        m.assign(m2);
        v.assign(v2);
      });
    });
  }
}

/** SGD with Nesterov momentum, as Keras: v = mu v - lr g; w = w + mu v - lr g. */
export class SgdNesterov extends SlotOptimizer {
  readonly kind = 'sgd-nesterov' as const;
  protected readonly slotNames = ['velocity'];

  constructor(readonly lr: number, readonly momentum = 0.9) {
    super();
  }

  apply(vars: tf.Variable[], grads: tf.Tensor[]): void {
    this.ensureSlots(vars);
    this.step++;
    vars.forEach((w, i) => {
      const vel = this.slots.velocity![i]!;
      tf.tidy(() => {
        const g = grads[i]!;
        const v2 = tf.sub(tf.mul(vel, this.momentum), tf.mul(g, this.lr));
        vel.assign(v2);
        w.assign(tf.sub(tf.add(w, tf.mul(v2, this.momentum)), tf.mul(g, this.lr)));
      });
    });
  }
}

export interface OptimizerSettings {
  kind: 'adam' | 'sgd-nesterov';
  lr: number;
  /** Adam's beta1, or SGD's momentum. */
  beta1: number;
  beta2: number;
}

export function makeOptimizer(s: OptimizerSettings): GanOptimizer {
  return s.kind === 'adam' ? new Adam(s.lr, s.beta1, s.beta2) : new SgdNesterov(s.lr, s.beta1);
}
