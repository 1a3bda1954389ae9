// Unit tests of the HTTP server over a run folder written by hand: loopback by default, traversal and
// malformed requests answered 4xx (never a crash), symbolic links out of the runs folder followed nowhere
// (files and API), validators and HEAD, and server-sent events.
import { appendFileSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from './server.js';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A request with the path sent exactly as given (no URL normalisation). */
function raw(s: RunningServer, path: string, opts: { method?: string; headers?: Record<string, string> } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: s.port, path, method: opts.method ?? 'GET', headers: opts.headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function rawSocket(s: RunningServer, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = connect(s.port, '127.0.0.1', () => sock.end(text));
    let out = '';
    sock.on('data', (d) => { out += d.toString(); });
    sock.on('close', () => resolve(out));
    sock.on('error', reject);
  });
}

/** Reads server-sent events until `enough` says stop. */
function events(s: RunningServer, path: string, enough: (evs: [string, unknown][]) => boolean): Promise<[string, unknown][]> {
  return new Promise((resolve, reject) => {
    const evs: [string, unknown][] = [];
    const req = request({ host: '127.0.0.1', port: s.port, path }, (res) => {
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => {
        buf += d;
        let i: number;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const ev = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (ev && data) evs.push([ev, JSON.parse(data)]);
        }
        if (enough(evs)) {
          req.destroy();
          resolve(evs);
        }
      });
    });
    req.on('error', reject);
    req.end();
  });
}

describe('dcgan serve (HTTP)', () => {
  const base = mkdtempSync(join(tmpdir(), 'dcgan-server-'));
  const runs = join(base, 'runs');
  const web = join(base, 'web');
  const run = join(runs, 'r1');
  let s: RunningServer;
  const logged: string[] = [];

  beforeAll(async () => {
    writeFileSync(join(base, 'secret.txt'), 'TOP-SECRET');
    mkdirSync(join(run, 'samples'), { recursive: true });
    writeFileSync(join(run, 'config.json'), JSON.stringify({ preset: 'dcgan64', data: 'fake' }));
    writeFileSync(join(run, 'progress.json'), JSON.stringify({ status: 'running', pid: process.pid, step: 1, totalSteps: 10, epoch: 0, epochs: 1, imgPerSec: 1, etaSeconds: 9, updatedAt: new Date().toISOString(),
      distributed: { world: 2, hosts: ['host-a', 'host-b'], ranks: [{ rank: 0, host: 'host-a', imgPerSec: 30 }, { rank: 1, host: 'host-b', imgPerSec: 'x' }] } }));
    writeFileSync(join(run, 'metrics.jsonl'), `${JSON.stringify({ step: 1, Loss_D: 1, Loss_G: 2 })}\n`);
    writeFileSync(join(run, 'samples', 'step-0000001.png'), 'not really a png');
    mkdirSync(join(web, 'assets'), { recursive: true });
    writeFileSync(join(web, 'index.html'), '<!doctype html><title>dashboard</title>');
    writeFileSync(join(web, 'explorer.html'), '<!doctype html><title>explorer</title>');
    writeFileSync(join(web, 'assets', 'app.js'), 'console.log(1)');
    s = await startServer({ runsDir: runs, webDir: web, port: 0, pollMs: 20, log: (l) => logged.push(l) });
  });

  afterAll(async () => {
    await s.close();
  });

  it('binds to 127.0.0.1 by default', () => {
    expect(s.host).toBe('127.0.0.1');
    expect(s.url).toBe(`http://127.0.0.1:${s.port}`);
  });

  it('serves the pages (with a CSP), the assets, the API and the run files', async () => {
    const page = await raw(s, '/?run=r1');
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toMatch(/default-src 'self'/);
    expect((await raw(s, '/explorer?run=r1&backend=cpu')).body).toMatch(/explorer/);
    expect((await raw(s, '/assets/app.js')).headers['content-type']).toMatch(/javascript/);
    const list = JSON.parse((await raw(s, '/api/runs')).body) as { name: string; state: string }[];
    expect(list).toMatchObject([{ name: 'r1', state: 'running' }]);
    // A data-parallel run's ranks, hosts and speeds (a damaged figure shows as 0).
    expect((list[0] as unknown as { distributed: unknown }).distributed).toEqual({ world: 2, hosts: ['host-a', 'host-b'],
      ranks: [{ rank: 0, host: 'host-a', imgPerSec: 30 }, { rank: 1, host: 'host-b', imgPerSec: 0 }] });
    const snap = JSON.parse((await raw(s, '/api/runs/r1')).body) as { samples: unknown[]; metrics: unknown[] };
    expect(snap.samples).toEqual([{ step: 1, url: '/runs/r1/samples/step-0000001.png' }]);
    expect(snap.metrics).toHaveLength(1);
    const png = await raw(s, '/runs/r1/samples/step-0000001.png');
    expect(png.status).toBe(200);
    expect(png.headers['content-type']).toBe('image/png');
    expect(png.headers['x-content-type-options']).toBe('nosniff');
    const again = await raw(s, '/runs/r1/samples/step-0000001.png', { headers: { 'If-None-Match': String(png.headers.etag) } });
    expect(again.status).toBe(304);
    const head = await raw(s, '/runs/r1/samples/step-0000001.png', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
  });

  it('answers path traversal attempts with 4xx and never serves a file outside the runs folder', async () => {
    const attempts = [
      '/runs/..%2f..%2fetc/passwd', '/runs/..%2fsecret.txt', '/runs/r1/..%2f..%2fsecret.txt', '/runs/r1/../../secret.txt',
      '/runs/../secret.txt', '/runs/%2e%2e/secret.txt', '/runs/r1/%2e%2e/%2e%2e/secret.txt', '/runs/r1/..%5c..%5csecret.txt',
      '/runs/r1/samples/..', '/runs/r1/config.json%00.png', '/assets/..%2f..%2fsecret.txt', '/assets/../../secret.txt',
      '//etc/passwd', '/runs//etc/passwd', '/runs/%2fetc%2fpasswd/x', '/runs/r1/.progress.json', '/runs/r1', '/runs/r1/samples',
      '/runs/nope/config.json', '/favicon.ico/../../secret.txt',
    ];
    for (const path of attempts) {
      const a = await raw(s, path);
      expect(a.status, path).toBeGreaterThanOrEqual(400);
      expect(a.status, path).toBeLessThan(500);
      expect(a.body, path).not.toMatch(/TOP-SECRET|root:/);
    }
  });

  it('answers malformed parameters and requests with 4xx, and keeps serving', async () => {
    const cases: [string, number, { method?: string; headers?: Record<string, string> }?][] = [
      ['/api/runs/r1/metrics?from=abc', 400], ['/api/runs/r1/metrics?from=-1', 400], ['/api/runs/r1/metrics?from=1&from=2', 400],
      ['/api/runs/r1/metrics?from=99999999999999999999', 400], ['/api/runs/r1/metrics?bogus=1', 400], ['/api/runs/r1?x=1', 400],
      ['/api/runs/%zz', 400], ['/api/runs/r1/metrics?from=%zz', 400], ['/?run=%E0%A4%A', 400], ['/explorer?evil=1', 400],
      ['/api/runs/nope', 404], ['/api/runs/r1/nope', 404], ['/api/nope', 404], ['/nope', 404],
      [`/api/runs/${'x'.repeat(5000)}`, 414],
      ['/api/runs', 405, { method: 'POST' }], ['/runs/r1/config.json', 405, { method: 'DELETE' }],
      ['/api/runs', 403, { headers: { Host: 'evil.example:8000' } }],
    ];
    for (const [path, status, opts] of cases) {
      const a = await raw(s, path, opts);
      expect(a.status, path).toBe(status);
      if (path.startsWith('/api/') && status !== 414) expect(JSON.parse(a.body), path).toHaveProperty('error');
    }
    expect((await raw(s, '/api/runs/r1/metrics?from=0')).status).toBe(200);
    expect(await rawSocket(s, 'GARBAGE\r\n\r\n')).toMatch(/^HTTP\/1\.1 400/);
    expect(await rawSocket(s, `GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX: ${'y'.repeat(20_000)}\r\n\r\n`)).toMatch(/^HTTP\/1\.1 4\d\d/);
    expect((await raw(s, '/api/runs')).status).toBe(200);
    expect(logged).toEqual([]);
  });

  it('pushes a snapshot and then new metrics lines over server-sent events', async () => {
    setTimeout(() => appendFileSync(join(run, 'metrics.jsonl'), `${JSON.stringify({ step: 2, Loss_D: 0.9, Loss_G: 2.1 })}\n`), 100);
    const evs = await events(s, '/api/runs/r1/events', (e) => e.some(([name]) => name === 'metrics'));
    expect(evs[0]![0]).toBe('snapshot');
    const pushed = evs.find(([name]) => name === 'metrics')![1] as { step: number }[];
    expect(pushed.map((p) => p.step)).toEqual([2]);
    const list = await events(s, '/api/events', (e) => e.length > 0);
    expect(list[0]![0]).toBe('runs');
  });
});

describe('dcgan serve and symbolic links', () => {
  const base = mkdtempSync(join(tmpdir(), 'dcgan-links-'));
  const runs = join(base, 'runs'), outside = join(base, 'outside');
  let s: RunningServer;

  beforeAll(async () => {
    const secret = JSON.stringify({ preset: 'TOP-SECRET', data: 'TOP-SECRET', status: 'running', pid: process.pid, step: 1 });
    mkdirSync(join(outside, 'run', 'samples'), { recursive: true });
    for (const f of ['config.json', 'progress.json']) writeFileSync(join(outside, 'run', f), secret);
    writeFileSync(join(outside, 'run', 'metrics.jsonl'), `${JSON.stringify({ step: 1, Loss_D: 1234.5 })}\n`);
    writeFileSync(join(outside, 'run', 'samples', 'step-0000001.png'), 'TOP-SECRET');
    mkdirSync(join(runs, 'inside', 'samples'), { recursive: true });
    writeFileSync(join(runs, 'inside', 'config.json'), JSON.stringify({ preset: 'dcgan64', data: 'fake' }));
    // A run that is a link out of the runs folder, and a run whose files are links out of it.
    symlinkSync(join(outside, 'run'), join(runs, 'linked'));
    mkdirSync(join(runs, 'mixed'));
    writeFileSync(join(runs, 'mixed', 'progress.json'), JSON.stringify({ status: 'done', pid: 1, step: 1, totalSteps: 1 }));
    for (const f of ['config.json', 'metrics.jsonl', 'samples']) symlinkSync(join(outside, 'run', f), join(runs, 'mixed', f));
    // A link that stays inside the runs folder is fine.
    symlinkSync(join(runs, 'inside'), join(runs, 'alias'));
    s = await startServer({ runsDir: runs, webDir: join(base, 'web'), port: 0, pollMs: 20, log: () => undefined });
  });

  afterAll(async () => {
    await s.close();
  });

  it('lists and serves no run that a link leads out of the runs folder', async () => {
    const list = JSON.parse((await raw(s, '/api/runs')).body) as { name: string }[];
    expect(list.map((r) => r.name).sort()).toEqual(['alias', 'inside', 'mixed']);
    for (const path of ['/api/runs/linked', '/api/runs/linked/metrics?from=0', '/runs/linked/config.json', '/api/runs/linked/events']) {
      const a = await raw(s, path);
      expect(a.status, path).toBe(404);
      expect(a.body, path).not.toMatch(/TOP-SECRET|1234\.5/);
    }
  });

  it('reads no file of a run that a link leads out of the runs folder, in the API as in /runs', async () => {
    const snap = await raw(s, '/api/runs/mixed');
    expect(snap.status).toBe(200);
    expect(snap.body).not.toMatch(/TOP-SECRET|1234\.5/);
    expect(JSON.parse(snap.body)).toMatchObject({ config: null, samples: [], metrics: [] });
    expect((await raw(s, '/api/runs/mixed/metrics?from=0')).body).toBe('[]');
    for (const path of ['/runs/mixed/config.json', '/runs/mixed/metrics.jsonl', '/runs/mixed/samples/step-0000001.png']) {
      expect((await raw(s, path)).status, path).toBe(403);
    }
    expect(JSON.parse((await raw(s, '/api/runs/alias')).body)).toMatchObject({ config: { preset: 'dcgan64' } });
  });
});
