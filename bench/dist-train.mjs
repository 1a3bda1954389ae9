#!/usr/bin/env node
// `npm run bench -- --dist`: data-parallel training on this machine. img/s of `dcgan train` with 1 worker x
// all threads and with 2 workers x 1 thread (--nproc 2) at the same global batch, the all-reduce time and
// bytes per step (bench/dist.mjs), the scaling efficiency, and a projection to 2-64 hosts from the measured
// compute time and the ring all-reduce formula.
//   node bench/dist-train.mjs [--nets dcgan64,dcgan28] [--steps 8] [--json]
// Needs `npm run build` and the native engine built with Gloo. Run it on a quiet machine.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { nets: { type: 'string', default: 'dcgan64,dcgan28' }, steps: { type: 'string', default: '8' }, json: { type: 'boolean' } } });
const steps = Number(values.steps);
const cores = availableParallelism();
const DATA = { dcgan64: 'fake:64x64x3', dcgan28: 'fake:28x28x1' };

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };

/** img/s of the steps after the first two (start-up, first-touch allocations), as metrics.jsonl logs them. */
function trainSpeed(net, nproc) {
  const dir = mkdtempSync(join(tmpdir(), 'dcgan-bench-dist-'));
  try {
    const args = [join(root, 'bin', 'dcgan.js'), 'train', '--preset', net, '--data', DATA[net], '--max-steps', String(steps),
      '--sample-every', '100000', '--checkpoint-every', '100000', '--out', join(dir, 'run'), ...(nproc > 1 ? ['--nproc', String(nproc)] : [])];
    const env = { ...process.env, DCGAN_THREADS: String(Math.max(1, Math.floor(cores / nproc))) };
    const r = spawnSync(process.execPath, args, { encoding: 'utf8', env });
    if (r.status !== 0) throw new Error(`dcgan train ${args.slice(2).join(' ')} failed:\n${r.stderr}`);
    const lines = readFileSync(join(dir, 'run', 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const speeds = lines.slice(2).map((l) => l['img/s']);
    const batch = JSON.parse(readFileSync(join(dir, 'run', 'config.json'), 'utf8')).batchSize;
    return { imgPerSec: median(speeds), min: Math.min(...speeds), max: Math.max(...speeds), batch };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function allreduce() {
  const r = spawnSync(process.execPath, [join(root, 'bench', 'dist.mjs'), '--nets', values.nets, '--reps', '10', '--json'], { encoding: 'utf8', cwd: root });
  if (r.status !== 0) throw new Error(`bench/dist.mjs failed:\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

const ar = allreduce();
const nets = [];
for (const net of values.nets.split(',')) {
  const one = trainSpeed(net, 1), two = trainSpeed(net, 2);
  const parts = ar.results.filter((x) => x.name.startsWith(`${net} `));
  // Per step: one all-reduce of D's gradients and one of G's (the trainer's coalesced buckets).
  const arMs = parts.reduce((a, x) => a + x.coalesced.median, 0), arBestMs = parts.reduce((a, x) => a + x.flat.min, 0);
  const bytes = parts.reduce((a, x) => a + x.bytes, 0);
  const stepMs2 = (two.batch / two.imgPerSec) * 1000, stepMs1 = (one.batch / one.imgPerSec) * 1000;
  nets.push({ net, batch: one.batch, one, two, efficiency: two.imgPerSec / one.imgPerSec, allreduceMs: arMs, allreduceBestMs: arBestMs, bytes,
    allreduceShare: arMs / stepMs2, stepMs1, bandwidthGBs: bytes / arBestMs / 1e6 });
}

// Projection: N hosts like this one, each training the whole preset batch (weak scaling: global batch N x B),
// step = compute + ring all-reduce of the gradient bytes; ring: each host sends and receives 2(N-1)/N x bytes.
const HOSTS = [2, 4, 8, 16, 32, 64], LINKS = [1, 10, 25];
const projection = nets.map((n) => ({
  net: n.net,
  rows: HOSTS.map((N) => ({
    hosts: N,
    ...Object.fromEntries(LINKS.map((g) => {
      const arS = (2 * (N - 1) / N) * n.bytes * 8 / (g * 1e9), c = n.stepMs1 / 1000;
      // With DDP's overlap the all-reduce runs during the backward pass (about 2/3 of a step's compute).
      const overlapped = c + Math.max(0, arS - (2 / 3) * c);
      return [`${g}G`, { efficiency: c / (c + arS), overlapped: c / overlapped, imgPerSec: (N * n.batch) / (c + arS) }];
    })),
  })),
}));

if (values.json) {
  console.log(JSON.stringify({ cores, steps, nets, projection }, null, 2));
} else {
  console.log(`data-parallel training on this machine (${cores} cores), fake data, the preset's batch as the global batch, median img/s of steps 3-${steps} (min-max)`);
  console.log('net      batch | 1 worker x ' + `${cores} threads`.padEnd(10) + ' | 2 workers x 1 thread | efficiency | all-reduce/step: MB, ms (median, best), share of a 2-worker step');
  for (const n of nets) {
    const f = (s) => `${s.imgPerSec.toFixed(1)} (${s.min.toFixed(1)}-${s.max.toFixed(1)})`;
    console.log(`${n.net.padEnd(8)} ${String(n.batch).padStart(5)} | ${f(n.one).padEnd(21)} | ${f(n.two).padEnd(20)} | ${(n.efficiency * 100).toFixed(0).padStart(8)} % | ` +
      `${(n.bytes / 1e6).toFixed(1)} MB, ${n.allreduceMs.toFixed(1)} ms, ${n.allreduceBestMs.toFixed(1)} ms, ${(n.allreduceShare * 100).toFixed(1)} %`);
  }
  console.log('\nprojection: N hosts like this one, batch B per host; step = compute (1 worker x all threads, measured) + ring all-reduce');
  console.log('  2(N-1)/N x gradient bytes x 8 / link bit rate; efficiency = compute / step (in brackets: with the all-reduce overlapping 2/3 of the step, as DDP)');
  for (const p of projection) {
    console.log(`${p.net}: hosts | ${LINKS.map((g) => `${g} Gbit/s`.padEnd(26)).join('| ')}`);
    for (const r of p.rows) {
      console.log(`  ${String(r.hosts).padStart(5)} | ${LINKS.map((g) => { const x = r[`${g}G`]; return `${(x.efficiency * 100).toFixed(0)} % (${(x.overlapped * 100).toFixed(0)} %), ${x.imgPerSec.toFixed(0)} img/s`.padEnd(26); }).join('| ')}`);
    }
  }
}
