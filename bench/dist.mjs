#!/usr/bin/env node
// Distributed benchmark: all-reduce time and bandwidth on loopback, 2 processes x 1 thread, for buffers the
// size of each preset's generator and discriminator gradients, as one flat buffer (in place) and as the
// model's own parameter tensors (coalesced: flatten with the 1/N pre-division, one collective, views back).
//   node bench/dist.mjs [--nets dcgan64,dcgan28] [--reps 30] [--json]
// Needs `npm run build` (dist/) and the native engine built with Gloo. Run it on a quiet machine.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createRequire } from 'node:module';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { values } = parseArgs({ options: { nets: { type: 'string', default: 'dcgan64,dcgan28' }, reps: { type: 'string', default: '30' }, json: { type: 'boolean' } } });

// The parameter shapes of each net's G and D (built once here, on the pure-JS backend: no native threads).
async function shapes(net) {
  await require(join(root, 'dist', 'engine', 'index.js')).initEngine({ backend: 'cpu' });
  const { getPreset } = require(join(root, 'dist', 'model', 'presets.js'));
  const { buildGenerator, buildDiscriminator } = require(join(root, 'dist', 'model', 'build.js'));
  const arch = getPreset(net).build({});
  const out = {};
  for (const [name, model] of [['G', buildGenerator(arch)], ['D', buildDiscriminator(arch)]]) {
    out[name] = model.trainableWeights.map((w) => w.shape);
    model.dispose();
  }
  return out;
}

function worker(rank, port, buffers) {
  const env = { ...process.env, RANK: String(rank), WORLD_SIZE: '2', LOCAL_RANK: String(rank), LOCAL_WORLD_SIZE: '2', MASTER_ADDR: '127.0.0.1',
    MASTER_PORT: String(port), DCGAN_DIST_WORKER: '1', DCGAN_THREADS: '1', OMP_NUM_THREADS: '1', GLOG_minloglevel: '3', DCGAN_DIST_TIMEOUT: '120' };
  const child = spawn(process.execPath, [join(root, 'bench', 'dist-worker.cjs'), values.reps], { env, stdio: ['pipe', 'pipe', 'inherit'] });
  child.stdin.end(JSON.stringify(buffers));
  const lines = [];
  let rest = '';
  const waiters = [];
  child.stdout.setEncoding('utf8').on('data', (d) => {
    const parts = (rest + d).split('\n');
    rest = parts.pop();
    for (const p of parts) lines.push(JSON.parse(p));
    for (const w of waiters.splice(0)) w();
  });
  const exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  const next = async (event) => {
    for (;;) {
      const l = lines.find((x) => x.event === event);
      if (l) return l;
      if (child.exitCode !== null) throw new Error(`bench/dist-worker.cjs rank ${rank} exited (${child.exitCode}) before '${event}'`);
      await new Promise((r) => { waiters.push(r); setTimeout(r, 500); });
    }
  };
  return { next, exited };
}

const buffers = [];
for (const net of values.nets.split(',')) {
  const s = await shapes(net);
  for (const part of ['G', 'D']) buffers.push({ name: `${net} ${part}`, shapes: s[part] });
}
const w0 = worker(0, 0, buffers);
const { port } = await w0.next('listening');
const w1 = worker(1, port, buffers);
const { results, syncBn } = await w0.next('results');
await Promise.all([w0.exited, w1.exited]);

if (values.json) {
  console.log(JSON.stringify({ world: 2, threads: 1, reps: Number(values.reps), results, syncBn }));
} else {
  console.log(`all-reduce on loopback, 2 processes x 1 thread, float32, median of ${values.reps} (min-max); GB/s = bytes / time (ring: 2(N-1)/N = 1 x the bytes cross per rank)`);
  console.log('buffer            params      MB  | flat, in place: ms (min-max)    GB/s | coalesced tensors: ms (min-max)  GB/s');
  for (const r of results) {
    const f = r.flat, c = r.coalesced;
    console.log(`${r.name.padEnd(14)} ${String(r.params).padStart(9)} ${(r.bytes / 1e6).toFixed(1).padStart(7)}  | ${f.median.toFixed(2).padStart(7)} (${f.min.toFixed(2)}-${f.max.toFixed(2)}) ${(r.bytes / f.median / 1e6).toFixed(2).padStart(6)} | ` +
      `${String(r.tensors).padStart(3)} x ${c.median.toFixed(2).padStart(7)} (${c.min.toFixed(2)}-${c.max.toFixed(2)}) ${(r.bytes / c.median / 1e6).toFixed(2).padStart(6)}`);
  }
  console.log(`sync batch norm statistics (${syncBn.floats} floats, allreduceSync, blocking): ${(syncBn.median * 1000).toFixed(0)} us median (${(syncBn.min * 1000).toFixed(0)}-${(syncBn.max * 1000).toFixed(0)})`);
}
