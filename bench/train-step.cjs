#!/usr/bin/env node
// One side of the benchmark: times DCGAN training iterations of a preset on this project's engine and prints
// one JSON line (median seconds per iteration, img/s, analytic GFLOP/s, peak RSS). Run by bench/run.mjs, in
// its own process so that the peak RSS is this network's alone.
//   node bench/train-step.cjs dcgan64|dcgan28 [--iters N] [--backend aten|cpu] [--threads T]
'use strict';
const { readFileSync } = require('node:fs');
const { parseArgs } = require('node:util');
const tf = require('@tensorflow/tfjs-core');
const { initEngine } = require('../dist/engine/index.js');
const { getPreset } = require('../dist/model/presets.js');
const { buildGenerator, buildDiscriminator } = require('../dist/model/build.js');
const { iterationMacs } = require('../dist/model/flops.js');
const { ganStep } = require('../dist/train/step.js');
const { Adam } = require('../dist/train/optimizers.js');

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { iters: { type: 'string', default: '5' }, backend: { type: 'string', default: 'aten' }, threads: { type: 'string' } },
});
const preset = positionals[0] ?? 'dcgan64';

function peakRssMB() {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

(async () => {
  const info = await initEngine({ backend: values.backend, threads: values.threads ? Number(values.threads) : undefined });
  const p = getPreset(preset);
  const arch = p.build({});
  const G = buildGenerator(arch), D = buildDiscriminator(arch);
  const B = p.training.batchSize;
  const parts = { G, D, optG: new Adam(2e-4, 0.5), optD: new Adam(2e-4, 0.5) };
  // As the PyTorch reference: one fixed random batch in [-1, 1], fresh z each iteration, BCE with logits.
  const real = tf.randomUniform([B, arch.image.height, arch.image.width, arch.image.channels], -1, 1);
  const batch = { real, z: [], realTarget: tf.ones([B, 1]), fakeTarget: tf.zeros([B, 1]) };
  const settings = { dOutput: arch.dOutput, dBatch: 'separate', gSteps: 1, classes: 0 };
  const iteration = () => {
    const z = tf.randomNormal([B, arch.nz]);
    batch.z = [z];
    const t = performance.now();
    ganStep(parts, batch, settings);
    const s = (performance.now() - t) / 1000;
    z.dispose();
    return s;
  };
  iteration(); // warm-up, as the reference
  const times = [];
  // CPU time (all threads) too: steadier than wall time when other processes share the cores.
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < Number(values.iters); i++) times.push(iteration());
  const cpu = process.cpuUsage(cpu0);
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  const flops = 2 * iterationMacs(G, D) * B;
  console.log(JSON.stringify({
    engine: `dcgan ${info.backend}${info.torch ? ` (libtorch ${info.torch})` : ''}`, preset, batch: B, threads: info.threads,
    seconds_per_iter: Number(median.toFixed(4)), images_per_second: Number((B / median).toFixed(2)),
    gflop_per_iter: Number((flops / 1e9).toFixed(2)), gflops: Number((flops / 1e9 / median).toFixed(1)),
    peak_rss_mb: Math.round(peakRssMB()),
    cpu_seconds_per_iter: Number(((cpu.user + cpu.system) / 1e6 / Number(values.iters)).toFixed(3)),
  }));
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
