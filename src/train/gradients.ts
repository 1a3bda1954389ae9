// Gradients of a scalar with respect to variables, like tf.variableGrads, freeing memory as backprop goes.
//
// TF.js's engine keeps every tensor the forward pass saved, and every gradient it computes, until the whole
// backward pass is done; for a DCGAN step that is about twice the memory PyTorch's autograd needs, which
// frees each as soon as it is consumed. This walks the same tape (tfjs-core 4.22's engine internals: the
// active tape, its nodes' saved tensors and gradient closures) and frees a node's saved tensors and its
// outputs' gradients once the node is processed. The gradients are the engine's own, only freed earlier.
import * as tf from '@tensorflow/tfjs-core';
import type { GanOptimizer } from './optimizers.js';

/**
 * The tfjs-core this file was written for: it reads that version's engine internals (Engine.state.activeTape
 * and gradientDepth, scopedRun, startTape/endTape, and the tape nodes' inputs, outputs, saved tensors and
 * gradient closures). gradients.test.ts fails on any other version until they are checked again.
 */
export const TFJS_CORE_VERSION_WRITTEN_FOR = '4.22.0';

interface TapeNode {
  id: number;
  kernelName: string;
  inputs: Record<string, tf.Tensor>;
  outputs: tf.Tensor[];
  gradient: ((dys: (tf.Tensor | null)[]) => Record<string, () => tf.Tensor>) | null;
  saved: tf.Tensor[];
}

interface EngineInternals {
  state: { activeTape: TapeNode[] | null; gradientDepth: number };
  scopedRun<T>(start: () => void, end: () => void, f: () => T): T;
  startTape(): void;
  endTape(): void;
  tidy<T extends tf.TensorContainer>(name: string, f: () => T): T;
}

function engineInternals(): EngineInternals | null {
  const e = tf.engine() as unknown as Partial<EngineInternals>;
  const ok = typeof e.scopedRun === 'function' && typeof e.startTape === 'function' && typeof e.endTape === 'function' &&
    typeof e.state === 'object' && e.state !== null && typeof e.state.gradientDepth === 'number';
  return ok ? (e as EngineInternals) : null;
}

/**
 * The tape in an order where every node comes after the nodes that make its inputs. TF.js records the copy
 * of a kernel's output that its gradient keeps (engine.saveTensorsForBackwardMode clones it, and the clone is
 * a tape node) before the kernel's own node; first-order gradients never use that copy, but a gradient of a
 * gradient (R1) differentiates through it: Tanh's 1 - y^2, Sigmoid's y (1 - y), Exp's y. Moving such a
 * node to just after its input's producer keeps those terms (tfjs-core 4.22's own tf.grad of tf.grad drops them).
 */
function topological(tape: TapeNode[]): TapeNode[] {
  const producer = new Map<number, number>();
  tape.forEach((n, i) => n.outputs.forEach((o) => producer.set(o.id, i)));
  const key = tape.map((n, i) => Math.max(i, ...Object.values(n.inputs).map((t) => (producer.get(t.id) ?? -1) + 0.5)));
  if (key.every((k, i) => k === i)) return tape;
  return tape.map((n, i) => [n, key[i]!] as const).sort((a, b) => a[1] - b[1]).map(([n]) => n);
}

/** The nodes on a path from one of xs to y, with their inputs pruned to those that depend on xs. */
function nodesBetween(unordered: TapeNode[], xs: tf.Tensor[], y: tf.Tensor): TapeNode[] {
  const tape = topological(unordered);
  const fromX = new Set(xs.map((x) => x.id));
  const nodeFromX = new Set<number>();
  for (const node of tape) {
    if (Object.values(node.inputs).some((t) => fromX.has(t.id))) {
      nodeFromX.add(node.id);
      for (const o of node.outputs) fromX.add(o.id);
    }
  }
  const toY = new Set([y.id]);
  const nodeToY = new Set<number>();
  for (let i = tape.length - 1; i >= 0; i--) {
    const node = tape[i]!;
    if (node.outputs.some((o) => toY.has(o.id))) {
      nodeToY.add(node.id);
      for (const t of Object.values(node.inputs)) toY.add(t.id);
    }
  }
  return tape
    .filter((n) => nodeFromX.has(n.id) && nodeToY.has(n.id))
    .map((n) => ({ ...n, inputs: Object.fromEntries(Object.entries(n.inputs).filter(([, t]) => fromX.has(t.id))) }));
}

/**
 * A forward computation recorded for a later valueAndGrads: the G(z) of a GAN step, computed once for D's
 * update (detached) and then differentiated through in G's (as PyTorch reuses `fake`).
 */
export interface Recording<T> {
  value: T;
  /** The recorded tape; null when the engine's internals are not available (then nothing was recorded). */
  readonly tape: TapeNode[] | null;
}

/** Runs f() with the engine's tape on and returns its value with the tape, for valueAndGrads(..., after). */
export function record<T extends tf.Tensor>(f: () => T): Recording<T> {
  const engine = engineInternals();
  if (!engine || engine.state.gradientDepth !== 0) return { value: f(), tape: null };
  const value = engine.scopedRun(() => engine.startTape(), () => engine.endTape(), () => engine.tidy('forward', f));
  const tape = engine.state.activeTape ?? [];
  engine.state.activeTape = null;
  return { value, tape };
}

/**
 * Computes f() and its gradients with respect to `vars`. Returns the value and one gradient per variable
 * (in order); the caller disposes both. With `after`, the tape starts with that recording, so gradients
 * flow through the recorded ops too (and the recording's saved tensors are freed). Falls back to
 * tf.variableGrads if the engine's internals differ.
 */
export function valueAndGrads(f: () => tf.Scalar, vars: tf.Variable[], after?: Recording<tf.Tensor>): { value: tf.Scalar; grads: tf.Tensor[] } {
  const engine = engineInternals();
  if (!engine || engine.state.gradientDepth !== 0 || (after && !after.tape)) {
    if (after?.tape) throw new Error('valueAndGrads: a recording needs the engine internals it was made with');
    const r = tf.variableGrads(f, vars);
    return { value: r.value, grads: vars.map((v) => r.grads[v.name]!) };
  }
  const start = () => {
    engine.startTape();
    if (after?.tape) engine.state.activeTape = [...after.tape];
  };
  const y = engine.scopedRun(start, () => engine.endTape(), () => engine.tidy('forward', f));
  const tape = engine.state.activeTape ?? [];
  const nodes = nodesBetween(tape, vars, y);
  const onPath = new Set(nodes.map((n) => n.id));
  const release = (node: TapeNode) => {
    for (const t of node.saved) t.dispose();
    node.saved = [];
  };
  const byId = new Map(tape.map((n) => [n.id, n]));
  // Saved tensors of ops that do not lead from vars to y are never needed.
  for (const n of tape) if (!onPath.has(n.id)) release(n);

  const grads = engine.tidy('backward', () => {
    const acc = new Map<number, tf.Tensor>([[y.id, tf.onesLike(y)]]);
    const wanted = new Set(vars.map((v) => v.id));
    for (let i = nodes.length - 1; i >= 0; i--) {
      const node = nodes[i]!;
      if (!node.gradient) throw new Error(`Cannot compute gradient: gradient function not found for ${node.kernelName}.`);
      const dys = node.outputs.map((o) => acc.get(o.id) ?? null);
      const inputGrads = node.gradient(dys);
      for (const [name, x] of Object.entries(node.inputs)) {
        const grad = inputGrads[name];
        if (!grad) throw new Error(`Cannot backprop through input ${name} of ${node.kernelName}.`);
        const dx = tf.tidy(grad);
        const prev = acc.get(x.id);
        if (prev) {
          acc.set(x.id, tf.add(prev, dx));
          if (![...acc.values()].includes(prev)) prev.dispose();
          if (![...acc.values()].includes(dx)) dx.dispose();
        } else {
          acc.set(x.id, dx);
        }
      }
      // This node is done: its saved tensors and its outputs' gradients are not needed again.
      release(byId.get(node.id)!);
      for (const o of node.outputs) {
        const g = acc.get(o.id);
        if (!g || wanted.has(o.id)) continue;
        acc.delete(o.id);
        if (![...acc.values()].includes(g)) g.dispose();
      }
    }
    return vars.map((v) => {
      const g = acc.get(v.id);
      if (!g) throw new Error(`Variable ${v.name} does not affect the loss: no gradient.`);
      return g;
    });
  });
  for (const n of tape) release(n);
  engine.state.activeTape = null;
  return { value: y, grads };
}

/** What is done to the gradients before the update: data-parallel training averages them across ranks. */
export type GradientReducer = (grads: tf.Tensor[]) => tf.Tensor[];

/**
 * One optimizer update of `vars` to decrease f(); returns f's value (the caller disposes it). `reduce`, when
 * given, replaces the gradients before the update (returning new tensors).
 */
export function minimize(optimizer: GanOptimizer, f: () => tf.Scalar, vars: tf.Variable[], after?: Recording<tf.Tensor>, reduce?: GradientReducer): tf.Scalar {
  const { value, grads } = valueAndGrads(f, vars, after);
  let used = grads;
  try {
    if (reduce) used = reduce(grads);
    optimizer.apply(vars, used);
  } finally {
    tf.dispose(grads);
    if (used !== grads) tf.dispose(used);
  }
  return value;
}
