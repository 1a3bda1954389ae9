#!/usr/bin/env node
// `npm run bench`: DCGAN training throughput, side by side in one run on one machine: this project's presets
// (its own layers and fused kernels), the same networks built from stock @tensorflow/tfjs-layers layers and
// trained with the standard TF.js API (bench/stock-step.cjs: what any TF.js model gets from the engine), and,
// when /usr/bin/python3 has torch, the PyTorch reference (../shared/bench/pytorch_reference.py). Each is its
// own process, one after the other: median img/s of a train iteration, analytic GFLOP/s, peak RSS, and the
// ratios to PyTorch. PyTorch's own figure moves +-30 % between runs here: --runs N repeats the whole round and
// prints the range of every ratio.
//   npm run bench [-- --nets dcgan64,dcgan28] [--engines preset,stock] [--iters N] [--runs N] [--json]
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
  options: {
    nets: { type: 'string', default: 'dcgan64,dcgan28' }, engines: { type: 'string', default: 'preset,stock' },
    iters: { type: 'string', default: '5' }, runs: { type: 'string', default: '1' }, json: { type: 'boolean' }, epoch: { type: 'boolean' },
    dist: { type: 'boolean' }, steps: { type: 'string' },
  },
});
if (values.dist) {
  const args = [join(root, 'bench', 'dist-train.mjs'), '--nets', values.nets, ...(values.steps ? ['--steps', values.steps] : []), ...(values.json ? ['--json'] : [])];
  process.exit(spawnSync(process.execPath, args, { stdio: 'inherit' }).status ?? 1);
}
const reference = [join(root, '..', 'shared', 'bench', 'pytorch_reference.py'), join(root, 'bench', 'pytorch_reference.py')].find(existsSync);
const python = '/usr/bin/python3';
// The two TF.js sides: the project's presets, and stock tf.layers models on the same engine.
const SCRIPTS = { preset: 'train-step.cjs', stock: 'stock-step.cjs' };

function ours(engine, net) {
  const script = SCRIPTS[engine];
  if (!script) throw new Error(`--engines: unknown engine '${engine}' (preset, stock)`);
  const r = spawnSync(process.execPath, [join(root, 'bench', script), net, '--iters', values.iters], { encoding: 'utf8', cwd: root });
  if (r.status !== 0) throw new Error(`bench/${script} ${net} failed:\n${r.stderr}`);
  const res = JSON.parse(r.stdout.trim().split('\n').pop());
  if (engine === 'preset') res.engine = `preset ${res.engine.replace(/^dcgan /, 'on ')}`;
  return res;
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

const engines = values.engines.split(',');
const line = (cells) => cells.map((c, i) => String(c).padEnd([9, 42, 6, 9, 9, 10, 8, 8][i] ?? 10)).join(' ');
const ratio = (a, b) => Number((a / b).toFixed(2));
const rounds = [];
for (let run = 0; run < Math.max(1, Number(values.runs) || 1); run++) {
  const rows = [];
  for (const net of values.nets.split(',')) {
    // The TF.js sides first, PyTorch right after, so that the ratios compare runs minutes apart at most.
    const sides = engines.map((engine) => ({ engine, result: ours(engine, net) }));
    const flop = sides.find((s) => s.engine === 'preset')?.result.gflop_per_iter ?? sides[0].result.gflop_per_iter;
    const ref = torch ? pytorch(net, flop) : undefined;
    for (const s of sides) {
      if (ref) {
        s.throughput_ratio = ratio(s.result.images_per_second, ref.images_per_second);
        s.rss_ratio = ratio(s.result.peak_rss_mb, ref.peak_rss_mb);
      }
    }
    rows.push({ net, sides, pytorch: ref });
  }
  rounds.push(rows);
  if (!values.json) {
    if (rounds.length > 1 || Number(values.runs) > 1) console.log(`-- run ${run + 1}`);
    console.log(line(['net', 'engine', 'batch', 'img/s', 'GFLOP/s', 'peak RSS', 'x img/s', 'x RSS']));
    for (const r of rows) {
      for (const s of r.sides) {
        const x = s.result;
        console.log(line([r.net, x.engine, x.batch, x.images_per_second, x.gflops, `${x.peak_rss_mb} MB`, s.throughput_ratio ?? '', s.rss_ratio ?? '']));
      }
      if (r.pytorch) {
        const x = r.pytorch;
        console.log(line([r.net, x.engine, x.batch, x.images_per_second, x.gflops, `${x.peak_rss_mb} MB`, '1', '1']));
      }
    }
  }
}

if (values.json) {
  console.log(JSON.stringify(rounds.length === 1 ? rounds[0] : rounds, null, 2));
} else {
  if (rounds.length > 1 && torch) {
    console.log(`-- ranges over ${rounds.length} runs (ratios are to PyTorch in the same run)`);
    for (const [i, r] of rounds[0].entries()) {
      for (const [j, s] of r.sides.entries()) {
        const all = rounds.map((rows) => rows[i].sides[j]);
        const span = (xs) => `${Math.min(...xs)}-${Math.max(...xs)}`;
        console.log(`${r.net} ${s.engine.split(' ')[0]}: ${span(all.map((a) => a.result.images_per_second))} img/s, ` +
          `${span(all.map((a) => a.throughput_ratio))}x PyTorch's img/s, peak RSS ${span(all.map((a) => a.result.peak_rss_mb))} MB ` +
          `(${span(all.map((a) => a.rss_ratio))}x PyTorch's); PyTorch ${span(rounds.map((rows) => rows[i].pytorch.images_per_second))} img/s, ` +
          `${span(rounds.map((rows) => rows[i].pytorch.peak_rss_mb))} MB`);
      }
    }
  }
  if (!torch) console.log(`(PyTorch reference not run: needs ${python} with torch: apt-get install -y python3-torch libopenblas0-pthread)`);
  console.log(`(${values.iters} timed iterations after one warm-up; x img/s and x RSS are ratios to PyTorch's; GFLOP/s counts the same analytic work ` +
    'for the preset and PyTorch, and the stock step\'s own, which records G\'s forward pass twice)');
}
