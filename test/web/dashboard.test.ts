// End-to-end: `dcgan train --serve` trains in a child process while headless Chromium watches the dashboard.
// The curves and the fixed-noise grid change while training runs, pushed by the server (the page is never
// reloaded); Ctrl-C stops the training and the page says so; the grid is scrubbable over the whole run.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers.js';
import { cli, collectErrors, launchChromium, type Cli } from './browser.js';

interface View {
  points: number;
  chart: string;
  grid: string | null;
  step: string;
}

const view = (page: Page): Promise<View> => page.evaluate(() => ({
  points: Number(document.querySelector<HTMLElement>('#chart-loss')?.dataset.points ?? 0),
  chart: document.querySelector<HTMLCanvasElement>('#chart-loss canvas')?.toDataURL() ?? '',
  grid: document.querySelector('#grid-img')?.getAttribute('src') ?? null,
  step: document.querySelector('#stat-step')?.textContent ?? '',
}));

describe('dashboard (dcgan train --serve, headless Chromium)', () => {
  const runs = join(tempDir(), 'runs');
  let train: Cli;
  let browser: BrowserContext;

  beforeAll(async () => {
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await train?.stop(5000);
  });

  it('shows curves and a grid that update while training runs, then the stop, and scrubs over training', async () => {
    // Tiny networks on fake data: a step takes a fraction of a second, and the run is stopped by Ctrl-C.
    train = cli('train', '--serve', '--port', '0', '--data', 'fake:32x32x3', '--preset', 'dcgan64', '--image-size', '32',
      '--ngf', '8', '--ndf', '8', '--batch-size', '8', '--max-steps', '100000', '--sample-every', '3',
      '--checkpoint-every', '30', '--ada', '0.6', '--out', join(runs, 'live'));
    const url = (await train.line(/^dashboard: (http:\/\/127\.0\.0\.1:\d+\/\?run=live)\s/))[1]!;
    const page = await browser.newPage();
    const errors = collectErrors(page);
    await page.goto(url);
    await page.evaluate(() => { (window as unknown as { sameDocument: boolean }).sameDocument = true; });

    await page.waitForFunction(() => Number(document.querySelector<HTMLElement>('#chart-loss')?.dataset.points) >= 2
      && document.querySelector('#grid-img')?.getAttribute('src'), null, { timeout: 120_000 });
    expect(await page.textContent('#run-status')).toBe('running');
    expect(await page.textContent('#run-name')).toBe('live');
    const first = await view(page);

    // Later: more points, another grid, a different chart, a further step; all pushed (same document).
    await page.waitForFunction((f) => Number(document.querySelector<HTMLElement>('#chart-loss')?.dataset.points) >= f.points + 3
      && document.querySelector('#grid-img')?.getAttribute('src') !== f.grid, first, { timeout: 120_000 });
    const later = await view(page);
    expect(later.points).toBeGreaterThan(first.points);
    expect(later.grid).not.toBe(first.grid);
    expect(later.chart).not.toBe(first.chart);
    await page.waitForFunction((text) => document.querySelector('#stat-step')?.textContent !== text, first.step);
    expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
    const [loss, d] = await page.evaluate(() => ['#chart-loss', '#chart-d'].map((id) => document.querySelector<HTMLElement>(id)?.dataset.points));
    expect(d).toBe(loss);
    // Figures logged only at some steps (here the grids' diversity; FID when evaluated) get charts of their own.
    expect(Number(await page.getAttribute('#chart-diversity', 'data-points'))).toBeGreaterThanOrEqual(1);
    // --ada logs its augmentation probability every step: a chart of its own, titled.
    expect(Number(await page.getAttribute('#chart-ada_p', 'data-points'))).toBeGreaterThanOrEqual(1);
    expect(await page.textContent('#chart-ada_p h3')).toBe('ADA: augmentation probability p');
    expect(await page.textContent('#stat-eta')).toMatch(/\d+(s|m|h)/);
    await page.waitForFunction(() => {
      const img = document.querySelector<HTMLImageElement>('#grid-img')!;
      return img.complete && img.naturalWidth > 0;
    });
    expect(await page.textContent('#run-list')).toMatch(/live/);

    // The trainer is another process than the server.
    const progress = JSON.parse(readFileSync(join(runs, 'live', 'progress.json'), 'utf8')) as { pid: number };
    expect(progress.pid).not.toBe(train.child.pid);

    // Ctrl-C: the training stops (with a checkpoint), the server goes on, and the page shows it.
    train.child.kill('SIGINT');
    await train.line(/^training ended \(exit code 130\)/);
    await page.waitForFunction(() => document.querySelector('#run-status')?.textContent === 'stopped', null, { timeout: 60_000 });
    await page.waitForFunction(() => document.querySelector('#run-list .badge')?.textContent === 'stopped', null, { timeout: 30_000 });

    // Scrub back to the first grid, then to the last.
    const count = Number(await page.getAttribute('#scrub', 'max')) + 1;
    expect(count).toBeGreaterThanOrEqual(3);
    const setScrub = (v: number) => page.$eval('#scrub', (el, value) => {
      const input = el as HTMLInputElement;
      input.value = String(value);
      input.dispatchEvent(new Event('input', { bubbles: true }));
    }, v);
    await setScrub(0);
    expect(await page.getAttribute('#grid-img', 'data-step')).toBe('3');
    expect(await page.getAttribute('#grid-img', 'src')).toBe('/runs/live/samples/step-0000003.png');
    expect(await page.isChecked('#follow')).toBe(false);
    expect(await page.textContent('#grid-step')).toBe(`step 3 · grid 1 of ${count}`);
    await page.waitForFunction(() => {
      const img = document.querySelector<HTMLImageElement>('#grid-img')!;
      return img.complete && img.naturalWidth > 0;
    });
    await setScrub(count - 1);
    expect(await page.isChecked('#follow')).toBe(true);
    expect(Number(await page.getAttribute('#grid-img', 'data-step'))).toBeGreaterThan(3 * (count - 1) - 3);

    // A click on a chart shows the grid nearest that step.
    const box = (await page.$('#chart-loss .u-over'))!;
    const b = (await box.boundingBox())!;
    await page.mouse.click(b.x + 2, b.y + b.height / 2);
    expect(Number(await page.getAttribute('#grid-img', 'data-step'))).toBeLessThanOrEqual(6);
    expect(errors).toEqual([]);
  }, 600_000);
});
