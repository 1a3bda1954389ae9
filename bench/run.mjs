#!/usr/bin/env node
// `npm run bench`: DCGAN training throughput of this project's engine and, when /usr/bin/python3 has torch,
// of the PyTorch reference (../shared/bench/pytorch_reference.py) in the same run, one after the other on
// the same machine: median img/s of a train iteration, analytic GFLOP/s, peak RSS, and the ratios.
//   npm run bench [-- --nets dcgan64,dcgan28] [--iters N] [--json]
//   npm run bench -- --epoch     one real epoch of dcgan28 on Fashion-MNIST (60,000 images), whole command
//                                 timed (start-up, data loading and the run folder's outputs included)
//   npm run bench -- --dist      data-parallel training: 1 worker x all threads vs 2 workers x 1 thread,
//                                 all-reduce per step, efficiency, projection to 64 hosts (bench/dist-train.mjs)
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: { nets: { type: 'string', default: 'dcgan64,dcgan28' }, iters: { type: 'string', default: '5' }, json: { type: 'boolean' }, epoch: { type: 'boolean' }, dist: { type: 'boolean' }, steps: { type: 'string' } },
});
if (values.dist) {
  const args = [join(root, 'bench', 'dist-train.mjs'), '--nets', values.nets, ...(values.steps ? ['--steps', values.steps] : []), ...(values.json ? ['--json'] : [])];
  process.exit(spawnSync(process.execPath, args, { stdio: 'inherit' }).status ?? 1);
}
const reference = [join(root, '..', 'shared', 'bench', 'pytorch_reference.py'), join(root, 'bench', 'pytorch_reference.py')].find(existsSync);
const python = '/usr/bin/python3';

function ours(net) {
  const r = spawnSync(process.execPath, [join(root, 'bench', 'train-step.cjs'), net, '--iters', values.iters], { encoding: 'utf8', cwd: root });
  if (r.status !== 0) throw new Error(`bench/train-step.cjs ${net} failed:\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

function hasTorch() {
  return existsSync(python) && spawnSync(python, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;
}

function pytorch(net, gflopPerIter) {
  // Runs the reference script in-process and adds its own peak RSS (ru_maxrss, KiB on Linux).
  const wrapper = [
    'import json, resource, runpy, sys, io, contextlib',
    `sys.argv = [${JSON.stringify(reference)}, ${JSON.stringify(net)}, '--json', '--iters', ${JSON.stringify(values.iters)}]`,
    'out = io.StringIO()',
    'with contextlib.redirect_stdout(out):',
    `    runpy.run_path(${JSON.stringify(reference)}, run_name='__main__')`,
    'res = json.loads(out.getvalue().strip().splitlines()[-1])',
    "res['peak_rss_mb'] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)",
    'print(json.dumps(res))',
  ].join('\n');
  const r = spawnSync(python, ['-c', wrapper], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`pytorch reference ${net} failed:\n${r.stderr}`);
  const res = JSON.parse(r.stdout.trim().split('\n').pop());
  res.gflops = Number((gflopPerIter / res.seconds_per_iter).toFixed(1));
  return res;
}

const torch = reference && hasTorch();

if (values.epoch) {
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'dcgan-epoch-'));
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [join(root, 'bin', 'dcgan.js'), 'train', '--data', 'fashion-mnist', '--preset', 'dcgan28', '--epochs', '1',
    '--sample-every', '100000', '--checkpoint-every', '100000', '--out', join(dir, 'run')], { encoding: 'utf8', cwd: root });
  const ours = (performance.now() - t0) / 1000;
  rmSync(dir, { recursive: true, force: true });
  if (r.status !== 0) throw new Error(`dcgan train failed:\n${r.stderr}`);
  const result = { dcgan_epoch_seconds: Number(ours.toFixed(1)), dcgan_images_per_second: Number((468 * 128 / ours).toFixed(1)) };
  if (torch) {
    const p = spawnSync(python, [reference, 'dcgan28', '--fashion-mnist-epoch', '--json'], { encoding: 'utf8' });
    if (p.status !== 0) throw new Error(`pytorch reference failed:\n${p.stderr}`);
    const ref = JSON.parse(p.stdout.trim().split('\n').pop());
    Object.assign(result, { pytorch_epoch_seconds: ref.fashion_mnist_epoch_seconds, ratio: Number((ours / ref.fashion_mnist_epoch_seconds).toFixed(3)) });
  }
  if (values.json) console.log(JSON.stringify(result, null, 2));
  else {
    console.log(`dcgan28, one Fashion-MNIST epoch (468 batches of 128): dcgan ${result.dcgan_epoch_seconds} s` +
      (result.pytorch_epoch_seconds ? `, PyTorch ${result.pytorch_epoch_seconds} s: dcgan takes ${result.ratio}x PyTorch's time` : ' (PyTorch reference not available)'));
  }
  process.exit(0);
}

const rows = [];
for (const net of values.nets.split(',')) {
  const a = ours(net);
  const row = { net, ours: a };
  if (torch) {
    const b = pytorch(net, a.gflop_per_iter);
    row.pytorch = b;
    row.throughput_ratio = Number((a.images_per_second / b.images_per_second).toFixed(2));
    row.rss_ratio = Number((a.peak_rss_mb / b.peak_rss_mb).toFixed(2));
  }
  rows.push(row);
}

if (values.json) {
  console.log(JSON.stringify(rows, null, 2));
} else {
  const line = (cells) => cells.map((c, i) => String(c).padEnd([9, 28, 8, 9, 9, 10][i] ?? 10)).join(' ');
  console.log(line(['net', 'engine', 'batch', 'img/s', 'GFLOP/s', 'peak RSS']));
  for (const r of rows) {
    for (const x of [r.ours, r.pytorch].filter(Boolean)) {
      console.log(line([r.net, x.engine, x.batch, x.images_per_second, x.gflops, `${x.peak_rss_mb} MB`]));
    }
    if (r.pytorch) console.log(`${r.net}: throughput ${r.throughput_ratio}x PyTorch's, peak RSS ${r.rss_ratio}x PyTorch's`);
  }
  if (!torch) console.log(`(PyTorch reference not run: needs ${python} with torch: apt-get install -y python3-torch libopenblas0-pthread)`);
  console.log(`(${values.iters} timed iterations after one warm-up; the analytic FLOP count of one iteration is the same for both engines)`);
}
