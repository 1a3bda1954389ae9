#!/usr/bin/env node
// The cost of the image-quality options (issue 13) per training iteration: a preset's GAN step with each
// option alone and all together, timed in interleaved rounds (A B C ... A B C ...) so that a noisy, shared
// machine slows them alike. Prints the median ms per iteration of each and its ratio to the plain step.
//   node bench/quality-step.cjs [dcgan28|dcgan64] [--rounds N] [--iters N]
'use strict';
const { parseArgs } = require('node:util');
const tf = require('@tensorflow/tfjs-core');
const { initEngine } = require('../dist/engine/index.js');
const { getPreset } = require('../dist/model/presets.js');
const { buildGenerator, buildDiscriminator } = require('../dist/model/build.js');
const { ganStep } = require('../dist/train/step.js');
const { Adam } = require('../dist/train/optimizers.js');
const { makeGanLoss } = require('../dist/train/losses.js');
const { DiffAugment } = require('../dist/train/augment.js');
const { Rng } = require('../dist/train/rng.js');

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { rounds: { type: 'string', default: '5' }, iters: { type: 'string', default: '4' } },
});
const preset = positionals[0] ?? 'dcgan28';

(async () => {
  const info = await initEngine();
  const p = getPreset(preset);
  const arch = p.build({});
  const B = p.training.batchSize;
  const augment = () => ({ pipe: new DiffAugment(['color', 'translation', 'cutout']), rng: new Rng(1), p: 1 });
  // [name, spectral norm in D, settings over the plain step's]
  const variants = [
    ['plain (bce)', false, {}],
    ['hinge', false, { loss: makeGanLoss('hinge', arch.dOutput, arch.name) }],
    ['spectral norm (D)', true, {}],
    ['DiffAugment color,translation,cutout (p = 1)', false, { augment: augment() }],
    ['R1 on this step (lazy: 1 in 16)', false, { r1: { gamma: 0.1, every: 1 } }],
    ['all: hinge + SN + DiffAugment + R1 every 16', true, { loss: makeGanLoss('hinge', arch.dOutput, arch.name), augment: augment(), r1: { gamma: 0.1, every: 16 } }],
  ];
  const real = tf.randomUniform([B, arch.image.height, arch.image.width, arch.image.channels], -1, 1);
  const runs = variants.map(([name, sn, over]) => {
    const G = buildGenerator(arch), D = buildDiscriminator(arch, { spectralNorm: sn });
    const parts = { G, D, optG: new Adam(2e-4, 0.5), optD: new Adam(2e-4, 0.5) };
    const settings = { dOutput: arch.dOutput, dBatch: 'separate', gSteps: 1, classes: 0, ...over };
    let step = 0;
    const iteration = () => {
      const z = tf.randomNormal([B, arch.nz]);
      const batch = { real, z: [z], realTarget: tf.ones([B, 1]), fakeTarget: tf.zeros([B, 1]), step: ++step };
      const t = performance.now();
      ganStep(parts, batch, settings);
      const ms = performance.now() - t;
      tf.dispose([z, batch.realTarget, batch.fakeTarget]);
      return ms;
    };
    iteration(); // warm-up (optimizer slots, kernels)
    return { name, iteration, times: [] };
  });
  for (let r = 0; r < Number(values.rounds); r++) {
    for (const v of runs) for (let i = 0; i < Number(values.iters); i++) v.times.push(v.iteration());
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const base = median(runs[0].times);
  console.log(`${preset}, batch ${B}, ${info.backend} (${info.threads} threads): median ms per iteration over ${runs[0].times.length}, interleaved`);
  for (const v of runs) {
    const m = median(v.times);
    console.log(`  ${v.name.padEnd(46)} ${m.toFixed(1).padStart(8)} ms   x${(m / base).toFixed(2)}   (range ${Math.min(...v.times).toFixed(0)}-${Math.max(...v.times).toFixed(0)})`);
  }
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
