#!/usr/bin/env node
// One rank of bench/dist.mjs: joins the group from the torchrun environment, times all-reduces of the
// buffers given on stdin (JSON: [{name, shapes}]) and, on rank 0, prints the results as one JSON line.
'use strict';
const { workerFromEnv } = require('../dist/dist/config.js');
const { joinJob } = require('../dist/dist/worker.js');
const { loadDist } = require('../dist/dist/native.js');

const reps = Number(process.argv[2] ?? 30);
const say = (o) => process.stdout.write(`${JSON.stringify(o)}\n`);

async function readStdin() {
  let s = '';
  for await (const chunk of process.stdin) s += chunk;
  return JSON.parse(s);
}

function stats(ms) {
  const s = [...ms].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)], min: s[0], max: s[s.length - 1] };
}

async function time(g, f) {
  for (let i = 0; i < 3; i++) await f();  // warm-up: first use of a size allocates and connects buffers
  const ms = [];
  for (let i = 0; i < reps; i++) {
    await g.barrier();  // both ranks start together: time the collective, not the other rank's lag
    const t = performance.now();
    await f();
    ms.push(performance.now() - t);
  }
  return stats(ms);
}

(async () => {
  const buffers = await readStdin();
  const load = loadDist();
  if (!load.ok) throw new Error(load.reason);
  const { aten } = load;
  const g = await joinJob(workerFromEnv(process.env), { onListening: (port) => say({ event: 'listening', port }) });
  const results = [];
  for (const b of buffers) {
    const params = b.shapes.reduce((n, s) => n + s.reduce((a, d) => a * d, 1), 0);
    const flat = aten.fill([params], 1, 'float32');
    const tensors = b.shapes.map((s) => aten.fill(s, 1, 'float32'));
    const flatStats = await time(g, () => g.allreduceHandles([flat], 'sum', true));
    const coalesced = await time(g, async () => {
      const out = await g.allreduceHandles(tensors, 'avg', false);
      for (const h of out) aten.release(h);
    });
    for (const h of [flat, ...tensors]) aten.release(h);
    results.push({ name: b.name, params, bytes: params * 4, tensors: tensors.length, flat: flatStats, coalesced });
  }
  // Synchronized batch norm's per-layer collective: [world, 2C + 1] floats forward (C = 512, dcgan64's widest
  // layer), blocking (allreduceSync), as the layer's call() will issue it.
  const small = aten.fill([2, 2 * 512 + 1], 1, 'float32');
  const ms = [];
  for (let i = 0; i < 3; i++) g.allreduceHandlesSync([small], 'sum', true);
  for (let i = 0; i < reps * 10; i++) {
    await g.barrier();
    const t = performance.now();
    g.allreduceHandlesSync([small], 'sum', true);
    ms.push(performance.now() - t);
  }
  aten.release(small);
  const syncBn = { floats: 2 * (2 * 512 + 1), ...stats(ms) };
  if (g.rank === 0) say({ event: 'results', results, syncBn });
  await g.destroy();
})().catch((e) => {
  process.stderr.write(`bench/dist-worker.cjs: ${e.message}\n`);
  process.exit(1);
});
