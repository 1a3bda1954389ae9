// The optimizers against their formulas, computed here in doubles: Adam as PyTorch's torch.optim.Adam (eps
// 1e-8 added to the bias-corrected sqrt(v)), SGD with Nesterov momentum as Keras's; exact resume through
// getState / setState; state snapshots that in-place updates never touch; no tensor left behind.
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initEngine } from '../engine/index.js';
import { relativeError, values } from '../testing/numeric.js';
import { Adam, makeOptimizer, SgdNesterov, type GanOptimizer } from './optimizers.js';

const SHAPES = [[3, 4], [5], [2, 2, 2, 3]];

/** Variables of DCGAN-like size (|w| < 0.05), so that an update is not lost in the rounding of w. */
const makeVars = () => tf.tidy(() => SHAPES.map((s, i) => tf.variable(tf.mul(tf.tensor(values(s.reduce((a, b) => a * b, 1), 1 + i), s), 0.05))));

/** Step t's gradients: varied, with a 0 (no update) and a 1e-8 (where eps decides the step) in each. */
function gradsAt(t: number): Float64Array[] {
  return SHAPES.map((s, i) => {
    const g = Float64Array.from(values(s.reduce((a, b) => a * b, 1), 1000 * t + i));
    g[0] = 0;
    g[1] = 1e-8;
    return g;
  });
}

const asTensors = (gs: Float64Array[]) => gs.map((g, i) => tf.tensor(Float32Array.from(g), SHAPES[i]));
const host = (ts: tf.Tensor[]) => ts.map((t) => Float64Array.from(t.dataSync()));
/** Doubles rounded as the float32 gradients the optimizer sees. */
const f32 = (gs: Float64Array[]) => gs.map((g) => Float64Array.from(Float32Array.from(g)));

function applyStep(opt: GanOptimizer, vars: tf.Variable[], t: number): void {
  const gs = asTensors(gradsAt(t));
  opt.apply(vars, gs);
  tf.dispose(gs);
}

for (const backend of ['aten', 'cpu'] as const) {
  describe(`optimizers on ${backend}`, () => {
    beforeAll(async () => {
      await initEngine({ backend });
    });
    afterAll(async () => {
      await initEngine();
    });

    it('Adam follows torch.optim.Adam (bias-corrected, eps 1e-8 outside the sqrt) for 5 steps', () => {
      const lr = 1e-2, b1 = 0.5, b2 = 0.999, eps = 1e-8;
      const vars = makeVars();
      const w0 = host(vars);
      const w = host(vars), m = w.map((x) => new Float64Array(x.length)), v = w.map((x) => new Float64Array(x.length));
      const adam = new Adam(lr, b1);
      for (let t = 1; t <= 5; t++) {
        const g = f32(gradsAt(t));
        applyStep(adam, vars, t);
        w.forEach((wi, i) => wi.forEach((_, j) => {
          const gj = g[i]![j]!;
          m[i]![j] = b1 * m[i]![j]! + (1 - b1) * gj;
          v[i]![j] = b2 * v[i]![j]! + (1 - b2) * gj * gj;
          const denom = Math.sqrt(v[i]![j]!) / Math.sqrt(1 - b2 ** t) + eps;
          wi[j] = wi[j]! - (lr / (1 - b1 ** t)) * m[i]![j]! / denom;
        }));
      }
      const state = adam.getState();
      expect(state).toMatchObject({ kind: 'adam', step: 5 });
      const delta = (a: ArrayLike<number>, i: number) => Array.from(a, (x, j) => x - w0[i]![j]!);
      // Float32 arithmetic against doubles, compared on the updates w - w0 (|w| would hide an error in them):
      // each step rounds a handful of float32 operations (~6e-8 relative each; the same on every ISA, as
      // these are elementwise): measured at most 1e-7 for the updates, m and v, on aten and cpu. 1e-6 is 10x;
      // a wrong formula misses it by far: 1 - beta2 rounded in float32 (1 - 0.999f) reads 6e-6 and 1.3e-5,
      // and eps 1e-7 (TF.js's default) moves the 1e-8-gradient element by lr/11 instead of lr/2 per step.
      vars.forEach((x, i) => {
        expect(relativeError(delta(x.dataSync(), i), delta(w[i]!, i)), `w${i} - w0`).toBeLessThan(1e-6);
        expect(relativeError(state.slots.m![i]!, m[i]!), `m${i}`).toBeLessThan(1e-6);
        expect(relativeError(state.slots.v![i]!, v[i]!), `v${i}`).toBeLessThan(1e-6);
        // The element with gradient 1e-8 moved by about lr / 2 per step (sqrt(v_hat) = 1e-8 = eps).
        const moved = Math.abs(x.dataSync()[1]! - w0[i]![1]!);
        expect(moved / (5 * lr)).toBeGreaterThan(0.45);
        expect(moved / (5 * lr)).toBeLessThan(0.55);
      });
      tf.dispose([...vars, ...Object.values(state.slots).flat()]);
      adam.dispose();
    });

    it('SgdNesterov follows Keras: v = mu v - lr g; w = w + mu v - lr g', () => {
      const lr = 0.05, mu = 0.8;
      const vars = makeVars();
      const w = host(vars), vel = w.map((x) => new Float64Array(x.length));
      const sgd = new SgdNesterov(lr, mu);
      for (let t = 1; t <= 5; t++) {
        const g = f32(gradsAt(t));
        applyStep(sgd, vars, t);
        w.forEach((wi, i) => wi.forEach((_, j) => {
          vel[i]![j] = mu * vel[i]![j]! - lr * g[i]![j]!;
          wi[j] = wi[j]! + mu * vel[i]![j]! - lr * g[i]![j]!;
        }));
      }
      const state = sgd.getState();
      expect(state).toMatchObject({ kind: 'sgd-nesterov', step: 5 });
      // A handful of float32 multiply-adds per step: measured at most 1e-7 relative (aten and cpu, AVX-512
      // and AVX2); 1e-6 is 10x, and plain momentum (w + v) or another mu misses it by more than 1e-2.
      vars.forEach((x, i) => {
        expect(relativeError(x, w[i]!), `w${i}`).toBeLessThan(1e-6);
        expect(relativeError(state.slots.velocity![i]!, vel[i]!), `velocity${i}`).toBeLessThan(1e-6);
      });
      tf.dispose([...vars, ...Object.values(state.slots).flat()]);
      sgd.dispose();
    });

    for (const [kind, make] of [['adam', () => new Adam(1e-2, 0.5)], ['sgd-nesterov', () => new SgdNesterov(0.05, 0.9)]] as const) {
      it(`${kind}: getState / setState resumes exactly, and a saved state is a snapshot`, () => {
        const a = make(), varsA = makeVars();
        for (let t = 1; t <= 3; t++) applyStep(a, varsA, t);
        const state = a.getState();
        const saved = host(Object.values(state.slots).flat());
        // A resumed optimizer on a copy of the weights (as a checkpoint restores them).
        const b = make(), varsB = varsA.map((x) => tf.variable(tf.clone(x)));
        b.setState(state);
        for (let t = 4; t <= 6; t++) {
          applyStep(a, varsA, t);
          applyStep(b, varsB, t);
        }
        // Bit for bit: the same kernels on the same values, the step count (Adam's bias correction) included.
        expect(host(varsB)).toEqual(host(varsA));
        const sa = a.getState(), sb = b.getState();
        expect(sb.step).toBe(6);
        expect(host(Object.values(sb.slots).flat())).toEqual(host(Object.values(sa.slots).flat()));
        // The state taken at step 3 is unchanged by the steps after it (Adam updates its slots in place
        // when they hold their data alone).
        expect(host(Object.values(state.slots).flat())).toEqual(saved);
        expect(() => (kind === 'adam' ? new SgdNesterov(0.1) : new Adam(0.1)).setState(sa)).toThrow(/optimizer state is for/);
        tf.dispose([...varsA, ...varsB, ...[state, sa, sb].flatMap((s) => Object.values(s.slots).flat())]);
        a.dispose();
        b.dispose();
      });

      it(`${kind}: apply, getState and setState leave no tensor behind`, () => {
        const before = tf.memory().numTensors;
        const opt = make(), vars = makeVars();
        applyStep(opt, vars, 1); // the slots are made on the first step
        const tensors = tf.memory().numTensors;
        for (let t = 2; t <= 4; t++) {
          applyStep(opt, vars, t);
          expect(tf.memory().numTensors).toBe(tensors);
        }
        const state = opt.getState();
        opt.setState(state);
        tf.dispose(Object.values(state.slots).flat());
        applyStep(opt, vars, 5);
        expect(tf.memory().numTensors).toBe(tensors);
        opt.dispose();
        tf.dispose(vars);
        expect(tf.memory().numTensors).toBe(before);
      });
    }
  });
}

it('makeOptimizer maps the settings: beta1 is Adam\'s beta1 or SGD\'s momentum', () => {
  const adam = makeOptimizer({ kind: 'adam', lr: 2e-4, beta1: 0.5, beta2: 0.99 }) as Adam;
  expect([adam.kind, adam.lr, adam.beta1, adam.beta2, adam.epsilon]).toEqual(['adam', 2e-4, 0.5, 0.99, 1e-8]);
  const sgd = makeOptimizer({ kind: 'sgd-nesterov', lr: 5e-4, beta1: 0.9, beta2: 0.999 }) as SgdNesterov;
  expect([sgd.kind, sgd.lr, sgd.momentum]).toEqual(['sgd-nesterov', 5e-4, 0.9]);
});

