#!/usr/bin/env node
// Per-kernel time of DCGAN training iterations on the aten backend (convolutions by shape), to find what
// to optimise next.   node bench/profile.cjs [dcgan64|dcgan28|other preset]
'use strict';
const tf = require('@tensorflow/tfjs-core');
const { initEngine } = require('../dist/engine/index.js');
const { getPreset } = require('../dist/model/presets.js');
const { buildGenerator, buildDiscriminator } = require('../dist/model/build.js');
const { ganStep } = require('../dist/train/step.js');
const { Adam } = require('../dist/train/optimizers.js');
(async () => {
await initEngine({ backend: 'aten' });
const name = process.argv[2] ?? 'dcgan64';
const stats = new Map(); let on = false;
for (const config of tf.getKernelsForBackend('aten')) { const run = config.kernelFunc; const k = config.kernelName; config.kernelFunc = (a) => { if (!on) return run(a); const t = performance.now(); const r = run(a); const dt = performance.now() - t; const key = k + (k.startsWith('Conv') || k.startsWith('Fused') ? ' ' + JSON.stringify(a.inputs.x?.shape ?? a.inputs.dy?.shape) + JSON.stringify(a.inputs.filter?.shape ?? a.attrs.filterShape ?? a.attrs.inputShape) : ''); const s = stats.get(key) ?? [0, 0]; s[0] += dt; s[1]++; stats.set(key, s); return r; }; }
const p = getPreset(name); const arch = p.build({});
const G = buildGenerator(arch), D = buildDiscriminator(arch);
const B = p.training.batchSize;
const parts = { G, D, optG: new Adam(2e-4, 0.5), optD: new Adam(2e-4, 0.5) };
const real = tf.randomUniform([B, arch.image.height, arch.image.width, arch.image.channels], -1, 1);
const z = tf.randomNormal([B, arch.nz]);
const batch = { real, z: [z], realTarget: tf.ones([B, 1]), fakeTarget: tf.zeros([B, 1]) };
const s = { dOutput: arch.dOutput, dBatch: 'separate', gSteps: 1, classes: 0 };
ganStep(parts, batch, s); ganStep(parts, batch, s);
on = true; const N = 3; const t0 = performance.now();
for (let i = 0; i < N; i++) ganStep(parts, batch, s);
const total = (performance.now() - t0) / N;
let ksum = 0; for (const [, v] of stats) ksum += v[0];
console.log('iter ms', total.toFixed(0), 'kernels ms', (ksum / N).toFixed(0));
console.log([...stats].sort((a, b) => b[1][0] - a[1][0]).slice(0, 40).map(([k, v]) => `${(v[0] / N).toFixed(1).padStart(7)} ms  ${String(v[1] / N).padStart(4)}x  ${k}`).join('\n'));
})();
