// Unit tests of RunFeed over a run folder written the way the trainer writes it: the snapshot, appended
// metrics lines (a half-written last line waits), new grids, a re-exported generator, progress, a rewrite.
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { MetricsPoint, RunEvents } from './api-types.js';
import { RunFeed, thin, toPoint } from './run-feed.js';

const line = (step: number, extra: Record<string, number> = {}) => JSON.stringify({
  step, epoch: 0, Loss_D: 1 / step, Loss_G: step, 'D(x)': 0.5, 'D(G(z))': 0.4, 'D(G(z))_2': 0.3, 'img/s': 100, seconds: step, ...extra,
});

function progress(dir: string, status: string, step: number, pid = process.pid): void {
  const tmp = join(dir, '.progress.json.tmp');
  writeFileSync(tmp, JSON.stringify({ status, pid, step, totalSteps: 100, epoch: 0, epochs: 1, imgPerSec: 100, etaSeconds: 10, updatedAt: new Date().toISOString() }));
  renameSync(tmp, join(dir, 'progress.json'));
}

async function until(what: string, ok: () => boolean, ms = 5000): Promise<void> {
  const t0 = Date.now();
  while (!ok()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('RunFeed', () => {
  it('sends a snapshot, then appended lines, grids, generator exports and progress; a rewrite restarts it', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'dcgan-feed-')), 'run');
    mkdirSync(join(dir, 'samples'), { recursive: true });
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ preset: 'dcgan64', data: 'fake', imageSize: [32, 32], conditional: false }));
    progress(dir, 'running', 2);
    writeFileSync(join(dir, 'metrics.jsonl'), `${line(1)}\n${line(2)}\n${line(3).slice(0, 20)}`);

    const feed = new RunFeed('run', dir, { intervalMs: 20 });
    const events: { [K in keyof RunEvents]: [K, RunEvents[K]] }[keyof RunEvents][] = [];
    const off = await feed.subscribe((e, d) => events.push([e, d] as never));
    const of = <K extends keyof RunEvents>(k: K) => events.filter((e) => e[0] === k).map((e) => e[1] as RunEvents[K]);

    const snap = of('snapshot')[0]!;
    expect(snap.metrics.map((p) => p.step)).toEqual([1, 2]);
    expect(snap.summary).toMatchObject({ name: 'run', state: 'running', step: 2, preset: 'dcgan64', imageSize: [32, 32] });

    appendFileSync(join(dir, 'metrics.jsonl'), `${line(3).slice(20)}\n${line(4, { fid: 120 })}\n`);
    await until('metrics', () => of('metrics').flat().length === 2);
    expect(of('metrics').flat().map((p: MetricsPoint) => p.step)).toEqual([3, 4]);
    expect(of('metrics').flat()[1]!.fid).toBe(120);

    writeFileSync(join(dir, 'samples', 'step-0000004.png'), 'png');
    await until('sample', () => of('sample').length === 1);
    expect(of('sample')[0]).toEqual({ step: 4, url: '/runs/run/samples/step-0000004.png' });

    mkdirSync(join(dir, 'generator'));
    writeFileSync(join(dir, 'generator', 'model.json'), JSON.stringify({ userDefinedMetadata: { dcgan: { step: 4 } } }));
    await until('generator', () => of('generator').length === 1);
    expect(of('generator')[0]).toMatchObject({ url: '/runs/run/generator/model.json', step: 4 });

    progress(dir, 'done', 4);
    await until('summary', () => of('summary').some((s) => s.state === 'done'));

    const tmp = join(dir, '.metrics.tmp');
    writeFileSync(tmp, `${line(1)}\n`);
    renameSync(tmp, join(dir, 'metrics.jsonl'));
    await until('a new snapshot', () => of('snapshot').length === 2);
    expect(of('snapshot')[1]!.metrics.map((p) => p.step)).toEqual([1]);

    off();
    expect(feed.listenerCount).toBe(0);
  });

  it("calls a run whose trainer process is gone 'interrupted'", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dcgan-feed-'));
    const gone = spawnSync(process.execPath, ['-e', '0']).pid!;
    progress(dir, 'running', 5, gone);
    const feed = new RunFeed('r', dir);
    expect(feed.listenerCount).toBe(0);
    let state = '';
    const off = await feed.subscribe((e, d) => { if (e === 'snapshot') state = (d as RunEvents['snapshot']).summary.state; });
    off();
    expect(state).toBe('interrupted');
  });

  it('thins a long log to every k-th line, keeping lines with evaluation figures and the last', () => {
    const points = Array.from({ length: 12_000 }, (_, i) => toPoint(line(i + 1, i % 1000 === 999 ? { fid: 50 } : {}))!);
    const { points: kept, every } = thin(points, 5000);
    expect(every).toBe(3);
    expect(kept.length).toBeLessThanOrEqual(4000 + 12 + 1);
    expect(kept.filter((p) => p.fid !== undefined)).toHaveLength(12);
    expect(kept.at(-1)!.step).toBe(12_000);
    expect(thin(points.slice(0, 10), 5000).every).toBe(1);
  });

  it('reads numbers only from a metrics line', () => {
    expect(toPoint('{"step":1,"Loss_D":null,"x":"y","fid":3}')).toEqual({ step: 1, fid: 3 });
    expect(toPoint('{"Loss_D":1}')).toBeNull();
    expect(toPoint('{"step":1,')).toBeNull();
  });
});
