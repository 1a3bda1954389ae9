// End-to-end: the latent explorer in headless Chromium runs a run's exported generator with stock TensorFlow.js:
// a non-blank image, a slider that changes it, an interpolation that plays, vector arithmetic, the class of a
// conditional run, a PNG download; and it states its backend and generation time.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dcgan, tempDir } from '../helpers.js';
import { canvasPixels, cli, collectErrors, launchChromium, type Cli } from './browser.js';

const tiny = ['--data', 'fake:32x32x3', '--preset', 'dcgan64', '--image-size', '32', '--ngf', '8', '--ndf', '8', '--batch-size', '8'];

async function pickMode(page: Page, mode: string): Promise<void> {
  await page.click(`.seg label:has(input[value="${mode}"])`);
}

async function setSlider(page: Page, id: string): Promise<void> {
  await page.$eval(id, (el) => {
    const input = el as HTMLInputElement;
    input.value = Number(input.value) > 0 ? input.min : input.max; // to the far end
    input.dispatchEvent(new Event('input', { bubbles: true }));
  });
}

const renders = (page: Page) => page.$eval('#main-canvas', (c) => Number((c as HTMLElement).dataset.renders ?? 0));

describe('latent explorer (headless Chromium)', () => {
  const runs = join(tempDir(), 'runs');
  let serve: Cli;
  let base: string;
  let browser: BrowserContext;

  beforeAll(async () => {
    for (const [name, extra] of [['plain', ['--max-steps', '24']], ['cond', ['--max-steps', '2', '--conditional']]] as const) {
      const r = await dcgan('train', ...tiny, ...extra, '--checkpoint-every', '100', '--out', join(runs, name));
      expect(r.code, r.stderr).toBe(0);
    }
    serve = cli('serve', '--runs', runs, '--port', '0');
    base = (await serve.line(/at (http:\/\/127\.0\.0\.1:\d+)\/ /))[1]!;
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    expect(await serve?.stop()).toBe(0);
  });

  it('generates, follows a slider, plays an interpolation, does arithmetic and downloads a PNG', async () => {
    const page = await browser.newPage();
    const errors = collectErrors(page);
    await page.goto(`${base}/explorer?run=plain`);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 180_000 });
    expect(['webgl', 'wasm', 'cpu']).toContain(await page.textContent('#backend'));
    expect(await page.textContent('#gen-time')).toMatch(/^24 exemplars in \d+\.\d ms$/);
    expect(await page.textContent('#st-model')).toBe('step 24 · dcgan64');
    expect(await page.textContent('#st-size')).toBe('32×32×3');
    expect(await page.$$('#gallery .tile')).toHaveLength(24);
    expect(await page.isHidden('#class-label')).toBe(true);

    // A non-blank image, and the one the command line makes from the same seed (0), within rounding.
    await page.waitForFunction(() => Number(document.querySelector<HTMLElement>('#main-canvas')?.dataset.renders) >= 1);
    const before = await canvasPixels(page, '#main-canvas');
    expect(before.width).toBe(32);
    expect(before.std).toBeGreaterThan(0.5);
    const cliDir = join(tempDir(), 'sample');
    const r = await dcgan('sample', join(runs, 'plain'), '-n', '1', '--seed', '0', '--out', cliDir, '--no-grid');
    expect(r.code, r.stderr).toBe(0);
    const cliPixels = await sharp(join(cliDir, '000000.png')).removeAlpha().raw().toBuffer();
    const pagePixels = await page.$eval('#main-canvas', (c) => {
      const d = (c as HTMLCanvasElement).getContext('2d')!.getImageData(0, 0, 32, 32).data;
      return Array.from(d).filter((_, i) => i % 4 !== 3);
    });
    expect(pagePixels).toHaveLength(cliPixels.length);
    // Two engines (TF.js in the browser, aten here) agree to ~1e-6 in [-1, 1], about 1/10,000 of a level, but
    // rounding to 8 bits can still split one level either way. Measured 0 (AVX-512 and AVX2); 2 levels.
    expect(Math.max(...pagePixels.map((v, i) => Math.abs(v - cliPixels[i]!)))).toBeLessThanOrEqual(2);

    // A slider changes it.
    const n = await renders(page);
    await setSlider(page, '#slider-0');
    await setSlider(page, '#slider-1');
    await page.waitForFunction((k) => Number(document.querySelector<HTMLElement>('#main-canvas')?.dataset.renders) > k, n);
    await page.waitForFunction(() => document.querySelector('#gen-time')?.textContent?.startsWith('1 image in'));
    expect((await canvasPixels(page, '#main-canvas')).hash).not.toBe(before.hash);

    // The projected-direction sliders change it too.
    const n0 = await renders(page);
    await page.click('label:has(input[value="dirs"])');
    await page.waitForFunction((k) => Number(document.querySelector<HTMLElement>('#main-canvas')?.dataset.renders) > k, n0);
    expect(await page.textContent('label[for="slider-0"]')).toBe('d1');
    const m = await renders(page);
    const beforeDirs = await canvasPixels(page, '#main-canvas');
    await setSlider(page, '#slider-0');
    await page.waitForFunction((k) => Number(document.querySelector<HTMLElement>('#main-canvas')?.dataset.renders) > k, m);
    expect((await canvasPixels(page, '#main-canvas')).hash).not.toBe(beforeDirs.hash);

    // An interpolation between two picked exemplars plays: the frame advances and the picture changes.
    await pickMode(page, 'interp');
    await page.click('#gallery .tile[data-index="0"]');
    await page.click('#gallery .tile[data-index="9"]');
    expect(await page.$$('#interp-picks canvas')).toHaveLength(2);
    await page.click('#play');
    await page.waitForFunction(() => Number(document.querySelector<HTMLElement>('#interp-frame')?.dataset.frame) >= 0, null, { timeout: 120_000 });
    const f0 = await canvasPixels(page, '#interp-canvas');
    const frame0 = Number(await page.getAttribute('#interp-frame', 'data-frame'));
    await page.waitForFunction((f) => {
      const k = Number(document.querySelector<HTMLElement>('#interp-frame')?.dataset.frame);
      return k !== f && k >= 0;
    }, frame0);
    await page.waitForFunction(() => Number(document.querySelector<HTMLElement>('#interp-frame')?.dataset.frame) >= 8);
    expect((await canvasPixels(page, '#interp-canvas')).hash).not.toBe(f0.hash);
    expect(await page.textContent('#interp-frame')).toMatch(/^frame \d+ \/ 32$/);
    await page.click('#stop');

    // Vector arithmetic from exemplars clicked into A, B and C: the result and its eight neighbours.
    for (const [g, i] of [['A', 1], ['B', 2], ['C', 3]] as const) {
      await pickMode(page, g);
      await page.click(`#gallery .tile[data-index="${i}"]`);
    }
    await page.waitForFunction(() => document.querySelectorAll('#arith-result canvas').length === 9);
    const centre = await canvasPixels(page, '#arith-result canvas.centre');
    expect(centre.std).toBeGreaterThan(1);
    await page.click('#arith-result canvas.centre');
    await page.waitForFunction(() => document.querySelector('#z-source')?.textContent === 'z: A − B + C');

    // Download as PNG.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
    expect(download.suggestedFilename()).toMatch(/^plain-step24-.*\.png$/);
    const png = readFileSync((await download.path())!);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(png.readUInt32BE(16)).toBe(256); // 32 px, upscaled 8x

    expect(errors).toEqual([]);
  }, 600_000);

  it('offers the classes of a conditional run, and a class choice changes the image', async () => {
    const page = await browser.newPage();
    const errors = collectErrors(page);
    await page.goto(`${base}/explorer?run=cond&backend=cpu`);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 180_000 });
    expect(await page.textContent('#backend')).toBe('cpu');
    expect(await page.isVisible('#class-label')).toBe(true);
    expect(await page.$$eval('#class-select option', (os) => os.map((o) => o.textContent))).toEqual(Array.from({ length: 10 }, (_, i) => `class${i}`));
    expect(await page.textContent('#st-z')).toBe('100-d normal + 10 classes');
    await page.waitForFunction(() => Number(document.querySelector<HTMLElement>('#main-canvas')?.dataset.renders) >= 1);
    const before = await canvasPixels(page, '#main-canvas');
    const n = await renders(page);
    await page.selectOption('#class-select', '7');
    await page.waitForFunction((k) => Number(document.querySelector<HTMLElement>('#main-canvas')?.dataset.renders) > k, n);
    expect((await canvasPixels(page, '#main-canvas')).hash).not.toBe(before.hash);
    expect(errors).toEqual([]);
  }, 300_000);
});
