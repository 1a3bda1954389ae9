#!/usr/bin/env node
// Takes the README's screenshots of the dashboard and the latent explorer (docs/dashboard.png,
// docs/explorer.png) in headless Chromium, against a real run: a short MNIST training made here, or an
// existing run (--runs DIR --run NAME). Needs `npm run build` and Debian's chromium (/usr/bin/chromium).
//   node scripts/screenshots.mjs [--runs DIR --run NAME] [--steps N] [--out DIR]
/* global document -- the page.waitForFunction callbacks run in the browser */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: { runs: { type: 'string' }, run: { type: 'string' }, steps: { type: 'string', default: '600' }, out: { type: 'string', default: join(root, 'docs') } },
});
const { chromium } = require('playwright-core');
const { startServer } = require(join(root, 'dist', 'server', 'index.js'));

let runs = values.runs && resolve(values.runs);
let run = values.run;
if (!runs) {
  runs = join(mkdtempSync(join(tmpdir(), 'dcgan-shots-')), 'runs');
  run = 'mnist-dcgan28';
  console.log(`training ${values.steps} steps on MNIST into ${join(runs, run)} ...`);
  const r = spawnSync(process.execPath, [join(root, 'bin', 'dcgan.js'), 'train', '--data', 'mnist', '--batch-size', '64',
    '--max-steps', values.steps, '--sample-every', '25', '--checkpoint-every', '100', '--seed', '3', '--out', join(runs, run)], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
if (!run) throw new Error('--runs needs --run NAME');

const server = await startServer({ runsDir: runs, port: 0 });
const browser = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'dcgan-chromium-')), {
  executablePath: process.env.DCGAN_CHROMIUM ?? '/usr/bin/chromium', headless: true, viewport: { width: 1360, height: 900 },
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
mkdirSync(values.out, { recursive: true });
try {
  const page = await browser.newPage();
  page.on('pageerror', (e) => console.error('page error:', e.message));
  const q = encodeURIComponent(run);

  await page.goto(`${server.url}/?run=${q}`);
  await page.waitForFunction(() => Number(document.querySelector('#chart-loss')?.dataset.points) > 0
    && document.querySelector('#grid-img')?.complete && document.querySelector('#grid-img')?.naturalWidth > 0);
  await page.waitForFunction(() => { // the progress bar's width transition has ended
    const bar = document.querySelector('#progress-bar');
    const [step, total] = document.querySelector('#stat-step').textContent.split(' / ').map(Number);
    return total > 0 && Math.abs(bar.offsetWidth / bar.parentElement.offsetWidth - step / total) < 0.005;
  });
  await page.mouse.move(0, 0);
  await page.screenshot({ path: join(values.out, 'dashboard.png'), fullPage: true });

  await page.goto(`${server.url}/explorer?run=${q}&seed=3`);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 120_000 });
  const mode = (m) => page.click(`.seg label:has(input[value="${m}"])`);
  await mode('interp');
  for (const i of [2, 11, 17]) await page.click(`#gallery .tile[data-index="${i}"]`);
  await page.click('#play');
  await page.waitForFunction(() => Number(document.querySelector('#interp-frame')?.dataset.frame) >= 9, null, { timeout: 120_000 });
  await page.click('#stop');
  for (const [g, tiles] of [['A', [0, 4, 8]], ['B', [1, 5]], ['C', [3]]]) {
    await mode(g);
    for (const i of tiles) await page.click(`#gallery .tile[data-index="${i}"]`);
  }
  await page.waitForFunction(() => document.querySelectorAll('#arith-result canvas').length === 9);
  await mode('show');
  await page.mouse.move(0, 0);
  await page.screenshot({ path: join(values.out, 'explorer.png'), fullPage: true });
  console.log(`wrote ${join(values.out, 'dashboard.png')} and ${join(values.out, 'explorer.png')} (TF.js backend: ${await page.textContent('#backend')})`);
} finally {
  await browser.close();
  await server.close();
}
