#!/usr/bin/env node
// `node bench/data.mjs`: the data pipeline's figures. Folder decode throughput (images/s) on the built-in emoji
// set (npm emoji-datasource-twitter: 64x64 RGBA PNGs, decoded on all cores, composited, no cache), and the
// cached-load time of Fashion-MNIST's 60,000 training images (a fresh process reading the cache file), with
// batch throughput from memory and streamed from disk. Uses dist/ (built first if missing) and a temp cache.
//   node bench/data.mjs [--runs N] [--json]
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' }, json: { type: 'boolean' } } });
const runs = Math.max(1, Number(values.runs) || 3);
const entry = join(root, 'dist', 'data', 'index.js');
if (!existsSync(entry)) execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
const require = createRequire(import.meta.url);
const { loadDataset, Batches } = require(entry);
const sharp = require('sharp');

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const cacheDir = mkdtempSync(join(tmpdir(), 'dcgan-bench-data-'));
const fashionDir = '/usr/share/datasets/fashion-mnist';
const out = {
  cores: availableParallelism(),
  uvThreads: Number(process.env.UV_THREADPOOL_SIZE) || 4,
  sharp: sharp.versions.sharp,
  vips: sharp.versions.vips,
};

async function batchRate(ds, batchSize, n) {
  const b = new Batches(ds, { batchSize, seed: 1, flip: true });
  await b.next();
  const t = performance.now();
  for (let k = 0; k < n; k++) await b.next();
  b.close();
  return n / ((performance.now() - t) / 1000);
}

try {
  // 1. Folder decode: the whole emoji set, decoded from the PNG files every run.
  const rates = [];
  let count = 0;
  for (let r = 0; r < runs; r++) {
    const t = performance.now();
    const ds = await loadDataset('emoji', { cache: false });
    const s = (performance.now() - t) / 1000;
    count = ds.count;
    rates.push(ds.count / s);
  }
  out.emoji = { images: count, imagesPerSecond: Math.round(median(rates)), runs: rates.map(Math.round) };
  let t = performance.now();
  await loadDataset('emoji', { cacheDir });
  out.emoji.firstUseSeconds = +((performance.now() - t) / 1000).toFixed(2);

  // 2. Fashion-MNIST: build the cache once, then load it from fresh processes and in this one.
  if (existsSync(fashionDir)) {
    t = performance.now();
    const built = await loadDataset('fashion-mnist', { cacheDir });
    out.fashion = { images: built.count, buildSeconds: +((performance.now() - t) / 1000).toFixed(2), cacheFile: built.storage.cacheFile };
    const child = `const t0 = performance.now(); require(${JSON.stringify(entry)}).loadDataset('fashion-mnist', { cacheDir: ${JSON.stringify(cacheDir)} })
      .then((ds) => console.log(JSON.stringify({ ms: performance.now() - t0, hit: ds.storage.cacheHit, n: ds.count })));`;
    const fresh = [], wall = [];
    for (let r = 0; r < runs; r++) {
      const w = performance.now();
      const p = spawnSync(process.execPath, ['-e', child], { encoding: 'utf8' });
      wall.push(performance.now() - w);
      const res = JSON.parse(p.stdout.trim());
      if (!res.hit || res.n !== 60000) throw new Error(`expected a cache hit of 60,000 images, got ${p.stdout}`);
      fresh.push(res.ms);
    }
    const same = [];
    let ds;
    for (let r = 0; r < runs; r++) {
      t = performance.now();
      ds = await loadDataset('fashion-mnist', { cacheDir });
      same.push(performance.now() - t);
    }
    out.fashion.cachedLoadMs = Math.round(median(fresh));
    out.fashion.processWallMs = Math.round(median(wall));
    out.fashion.sameProcessMs = Math.round(median(same));
    out.fashion.batchesPerSecondMemory = Math.round(await batchRate(ds, 128, 300));
    const streamed = await loadDataset('fashion-mnist', { cacheDir, memoryLimit: 0 });
    out.fashion.batchesPerSecondStreamed = Math.round(await batchRate(streamed, 128, 300));
    streamed.close();
  }
} finally {
  rmSync(cacheDir, { recursive: true, force: true });
}

if (values.json) {
  console.log(JSON.stringify(out, null, 2));
} else {
  const n = (x) => x.toLocaleString('en-US');
  const line = (label, value) => console.log(`${label.padEnd(54)} ${value}`);
  console.log(`data pipeline (${out.cores} cores, libuv thread pool ${out.uvThreads}, sharp ${out.sharp} / libvips ${out.vips})`);
  line(`emoji folder decode, ${n(out.emoji.images)} 64x64 RGBA PNGs, no cache:`, `${n(out.emoji.imagesPerSecond)} images/s  (median of ${runs}: ${out.emoji.runs.map(n).join(', ')})`);
  line('emoji first use, decode + write cache:', `${out.emoji.firstUseSeconds} s`);
  if (out.fashion) {
    const f = out.fashion;
    line('fashion-mnist first use, gunzip IDX + write cache:', `${f.buildSeconds} s`);
    line(`fashion-mnist cached load, ${n(f.images)} images:`, `${f.cachedLoadMs} ms  (fresh process, median of ${runs}; whole process ${f.processWallMs} ms)`);
    line('fashion-mnist cached load, same process:', `${f.sameProcessMs} ms`);
    line('batches of 128 with flips, in memory:', `${n(f.batchesPerSecondMemory)} batches/s`);
    line('batches of 128 with flips, streamed from the cache:', `${n(f.batchesPerSecondStreamed)} batches/s`);
  } else {
    console.log(`fashion-mnist: not installed in ${fashionDir} (apt-get install dataset-fashion-mnist); skipped`);
  }
}
