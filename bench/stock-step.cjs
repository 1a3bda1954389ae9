#!/usr/bin/env node
// One side of the benchmark for any TensorFlow.js model: the networks of ../shared/bench/pytorch_reference.py
// built from stock @tensorflow/tfjs-layers layers only and trained with the standard API (tf.train.adam,
// optimizer.minimize, tf.losses.sigmoidCrossEntropy), nothing of this project but the backend. Prints one JSON
// line like bench/train-step.cjs (median seconds per iteration, img/s, GFLOP/s, peak RSS).
//   node bench/stock-step.cjs dcgan64|dcgan28 [--iters N] [--backend aten|cpu] [--threads T] [--profile]
// --profile prints, instead, where a step's time goes: per kernel (calls, ms), the time outside kernels, and
// the size of what the tapes keep.
'use strict';
const { readFileSync } = require('node:fs');
const { parseArgs } = require('node:util');
const tf = require('@tensorflow/tfjs-core');
const tfl = require('@tensorflow/tfjs-layers');
const { initEngine } = require('../dist/engine/index.js');

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    iters: { type: 'string', default: '5' }, backend: { type: 'string', default: 'aten' }, threads: { type: 'string' },
    profile: { type: 'boolean' },
  },
});
const net = positionals[0] ?? 'dcgan64';

// DCGAN initialisation (Radford et al. 2015, section 4): weights from N(0, 0.02), BN gamma from N(1, 0.02).
const w0 = () => tfl.initializers.randomNormal({ mean: 0, stddev: 0.02 });
const bn = () => tfl.layers.batchNormalization({ momentum: 0.9, epsilon: 1e-5, gammaInitializer: tfl.initializers.randomNormal({ mean: 1, stddev: 0.02 }) });
const relu = () => tfl.layers.activation({ activation: 'relu' });
const leaky = () => tfl.layers.leakyReLU({ alpha: 0.2 });
const convT = (filters, kernelSize, strides, padding, useBias = false, extra = {}) =>
  tfl.layers.conv2dTranspose({ filters, kernelSize, strides, padding, useBias, kernelInitializer: w0(), ...extra });
const conv = (filters, kernelSize, strides, padding, useBias = false, extra = {}) =>
  tfl.layers.conv2d({ filters, kernelSize, strides, padding, useBias, kernelInitializer: w0(), ...extra });

/** pytorch/examples dcgan: 64x64x3, ngf = ndf = 64, batch 64. */
function dcgan64() {
  const nz = 100;
  const G = tfl.sequential({ layers: [
    convT(512, 4, 1, 'valid', false, { inputShape: [1, 1, nz] }), bn(), relu(),   // 4 x 4 x 512
    convT(256, 4, 2, 'same'), bn(), relu(),                                         // 8 x 8 x 256
    convT(128, 4, 2, 'same'), bn(), relu(),                                         // 16 x 16 x 128
    convT(64, 4, 2, 'same'), bn(), relu(),                                          // 32 x 32 x 64
    convT(3, 4, 2, 'same'), tfl.layers.activation({ activation: 'tanh' }),          // 64 x 64 x 3
  ] });
  const D = tfl.sequential({ layers: [
    conv(64, 4, 2, 'same', false, { inputShape: [64, 64, 3] }), leaky(),            // 32 x 32 x 64
    conv(128, 4, 2, 'same'), bn(), leaky(),                                         // 16 x 16 x 128
    conv(256, 4, 2, 'same'), bn(), leaky(),                                         // 8 x 8 x 256
    conv(512, 4, 2, 'same'), bn(), leaky(),                                         // 4 x 4 x 512
    conv(1, 4, 1, 'valid'), tfl.layers.flatten(),                                   // 1 logit
  ] });
  return { G, D, z: [1, 1, nz], x: [64, 64, 3], batch: 64 };
}

/** MNIST-sized: dense 7x7x256 projection, 5x5 kernels, batch 128. */
function dcgan28() {
  const nz = 100;
  const G = tfl.sequential({ layers: [
    tfl.layers.dense({ units: 7 * 7 * 256, useBias: false, kernelInitializer: w0(), inputShape: [nz] }), bn(), relu(),
    tfl.layers.reshape({ targetShape: [7, 7, 256] }),                               // 7 x 7 x 256
    convT(128, 5, 1, 'same'), bn(), relu(),                                         // 7 x 7 x 128
    convT(64, 5, 2, 'same'), bn(), relu(),                                          // 14 x 14 x 64
    convT(1, 5, 2, 'same', true), tfl.layers.activation({ activation: 'tanh' }),    // 28 x 28 x 1
  ] });
  const D = tfl.sequential({ layers: [
    conv(64, 5, 2, 'same', true, { inputShape: [28, 28, 1] }), leaky(),             // 14 x 14 x 64
    conv(128, 5, 2, 'same'), bn(), leaky(),                                         // 7 x 7 x 128
    tfl.layers.flatten(), tfl.layers.dense({ units: 1, kernelInitializer: w0() }),  // 1 logit
  ] });
  return { G, D, z: [nz], x: [28, 28, 1], batch: 128 };
}

/** Multiply-accumulates per image of one iteration as this step computes it (the count of
 * src/model/flops.ts, plus the second G forward the standard API records in G's tape): G forward twice, G's
 * filter gradients and its input gradients but for the first layer; D forward three times, its filter
 * gradients for both of D's batches and its input gradients but for the first layer in them, and all its
 * input gradients in G's update. */
function iterationMacs(G, D) {
  const work = (model) => model.layers.flatMap((l) => {
    const cls = l.getClassName();
    const input = l.inputSpec?.[0]?.shape ?? l.input.shape;
    const out = l.outputShape;
    const k = l.kernel?.shape ?? [];
    if (cls === 'Dense') return [k[0] * k[1]];
    if (cls === 'Conv2D') return [out[1] * out[2] * k.reduce((a, b) => a * b, 1)];
    if (cls === 'Conv2DTranspose') return [input[1] * input[2] * k.reduce((a, b) => a * b, 1)];
    return [];
  });
  const g = work(G), d = work(D);
  const sum = (xs) => xs.reduce((a, b) => a + b, 0);
  const gAll = sum(g), dAll = sum(d);
  return 2 * gAll + gAll + (gAll - g[0]) + 3 * dAll + 2 * dAll + 2 * (dAll - d[0]) + dAll;
}

function peakRssMB() {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

(async () => {
  const info = await initEngine({ backend: values.backend, threads: values.threads ? Number(values.threads) : undefined });
  const { G, D, z: zShape, x: xShape, batch: B } = net === 'dcgan28' ? dcgan28() : dcgan64();
  const optG = tf.train.adam(2e-4, 0.5, 0.999);
  const optD = tf.train.adam(2e-4, 0.5, 0.999);
  const gVars = G.trainableWeights.map((w) => w.read());
  const dVars = D.trainableWeights.map((w) => w.read());
  // As the PyTorch reference: one fixed random batch in [-1, 1], fresh z each iteration, BCE with logits.
  const real = tf.randomUniform([B, ...xShape], -1, 1);
  const ones = tf.ones([B, 1]);
  const zeros = tf.zeros([B, 1]);
  const bce = (labels, logits) => tf.losses.sigmoidCrossEntropy(labels, logits);
  const train = { training: true };

  // z for each step is drawn before the step's timer starts, as bench/train-step.cjs does.
  const step = (z = tf.randomNormal([B, ...zShape])) => {
    // fake = G(z), outside any tape: D's update does not differentiate through it (fake.detach()).
    const fake = tf.tidy(() => G.apply(z, train));
    // (1) Update D: maximize log(D(x)) + log(1 - D(G(z)))
    optD.minimize(() => tf.add(bce(ones, D.apply(real, train)), bce(zeros, D.apply(fake, train))), false, dVars);
    fake.dispose();
    // (2) Update G: maximize log(D(G(z))); the standard API records G(z) again inside its tape.
    optG.minimize(() => bce(ones, D.apply(G.apply(z, train), train)), false, gVars);
    z.dispose();
  };

  if (values.profile) return profile(step, () => tf.randomNormal([B, ...zShape]));

  step(); // warm-up, as the reference
  const before = tf.memory().numTensors;
  const times = [];
  // CPU time (all threads) too: steadier than wall time when other processes share the cores.
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < Number(values.iters); i++) {
    const z = tf.randomNormal([B, ...zShape]);
    const t = performance.now();
    step(z);
    // Nothing above waits for the backend's results; aten runs synchronously, so the step is done here.
    times.push((performance.now() - t) / 1000);
  }
  const cpu = process.cpuUsage(cpu0);
  if (tf.memory().numTensors !== before) throw new Error(`tensors leaked: ${before} -> ${tf.memory().numTensors}`);
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  const flops = 2 * iterationMacs(G, D) * B;
  console.log(JSON.stringify({
    engine: `stock tf.layers on ${info.backend}${info.torch ? ` (libtorch ${info.torch})` : ''}`, preset: net, batch: B, threads: info.threads,
    seconds_per_iter: Number(median.toFixed(4)), images_per_second: Number((B / median).toFixed(2)),
    gflop_per_iter: Number((flops / 1e9).toFixed(2)), gflops: Number((flops / 1e9 / median).toFixed(1)),
    peak_rss_mb: Math.round(peakRssMB()),
    cpu_seconds_per_iter: Number(((cpu.user + cpu.system) / 1e6 / Number(values.iters)).toFixed(3)),
  }));
})().catch((e) => {
  console.error(e);
  process.exit(1);
});

/** Per-kernel calls and time of a few steps, the time outside kernels, what lazy evaluation did, memory. */
function profile(step, noise) {
  const stats = new Map();
  let on = false;
  let inKernel = 0;
  for (const config of tf.getKernelsForBackend(tf.getBackend())) {
    const run = config.kernelFunc;
    const k = config.kernelName;
    config.kernelFunc = (a) => {
      if (!on || inKernel > 0) return run(a);
      inKernel++;
      const t = performance.now();
      try {
        return run(a);
      } finally {
        inKernel--;
        const shape = a.inputs.x?.shape ?? a.inputs.dy?.shape ?? a.inputs.a?.shape;
        const key = `${k} ${JSON.stringify(shape ?? [])}`;
        const s = stats.get(key) ?? [0, 0];
        s[0] += performance.now() - t;
        s[1]++;
        stats.set(key, s);
      }
    };
  }
  step();
  step();
  on = true;
  const N = 3;
  const native = require('../dist/engine/native.js').loadNative();
  const lazy0 = native.ok ? native.aten.lazyStats() : undefined;
  let total = 0;
  for (let i = 0; i < N; i++) {
    const z = noise();
    const t0 = performance.now();
    step(z);
    total += (performance.now() - t0) / N;
  }
  let ksum = 0;
  let calls = 0;
  const byKernel = new Map();
  for (const [key, v] of stats) {
    ksum += v[0];
    calls += v[1];
    const k = key.split(' ')[0];
    const s = byKernel.get(k) ?? [0, 0];
    s[0] += v[0];
    s[1] += v[1];
    byKernel.set(k, s);
  }
  console.log(`step ${total.toFixed(0)} ms; in kernels ${(ksum / N).toFixed(0)} ms (${(calls / N).toFixed(0)} calls); outside ${(total - ksum / N).toFixed(0)} ms; ` +
    `tensors live after a step ${(tf.memory().numBytes / 1e6).toFixed(1)} MB; peak RSS ${Math.round(peakRssMB())} MB`);
  if (native.ok) {
    const l = native.aten.lazyStats();
    const d = (k) => ((l[k] - lazy0[k]) / N).toFixed(k.endsWith('Ms') ? 1 : 0);
    console.log(`lazy expressions per step: ${d('expressions')} made, ${d('evaluated')} evaluated (${d('settled')} because an operand was released, ${d('dropped')} dropped again), ` +
      `${d('reductions')} reduced in ${d('reductionPasses')} passes; ${d('blocks')} blocks, ${d('blockOps')} block ops (${d('slowOps')} by ATen), ${d('gathers')} operand blocks gathered; ${d('evaluateMs')} ms (settling ${d('settleMs')} ms, inside the kernel times below)`);
    const a = native.aten.allocatorStats();
    console.log(`allocator: peak mapped ${(a.peakMappedBytes / 1e6).toFixed(0)} MB (peak live ${(a.peakLiveBytes / 1e6).toFixed(0)} MB), mapped now ${(a.mappedBytes / 1e6).toFixed(0)} MB, malloc ${(a.mallocBytes / 1e6).toFixed(0)} MB`);
  }
  console.log('by kernel:');
  for (const [k, v] of [...byKernel].sort((a, b) => b[1][0] - a[1][0])) console.log(`${(v[0] / N).toFixed(1).padStart(8)} ms ${String(v[1] / N).padStart(6)}x  ${k}`);
  console.log('by kernel and shape (top 40):');
  for (const [k, v] of [...stats].sort((a, b) => b[1][0] - a[1][0]).slice(0, 40)) console.log(`${(v[0] / N).toFixed(1).padStart(8)} ms ${String(v[1] / N).padStart(6)}x  ${k}`);
}
