// Smoke tests of `dcgan serve` as users run it: loopback only by default, nothing outside the runs folder
// reachable (path traversal), malformed requests and parameters answered 4xx with the server still up, and
// its own flags checked with one-line errors.
import { writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dcgan, tempDir } from '../helpers.js';
import { cli, rawRequest, type Cli } from './browser.js';

function refused(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host, port, timeout: 3000 });
    s.once('connect', () => { s.destroy(); resolve(false); });
    s.once('error', () => resolve(true));
    s.once('timeout', () => { s.destroy(); resolve(true); });
  });
}

describe('dcgan serve (safety)', () => {
  const runs = join(tempDir(), 'runs');
  let serve: Cli;
  let base: string;

  beforeAll(async () => {
    const r = await dcgan('train', '--dry-run', '--preset', 'dcgan64', '--image-size', '32', '--ngf', '8', '--ndf', '8', '--batch-size', '4', '--out', join(runs, 'r1'));
    expect(r.code, r.stderr).toBe(0);
    writeFileSync(join(dirname(runs), 'secret.txt'), 'TOP-SECRET');
    serve = cli('serve', '--runs', runs, '--port', '0');
    base = (await serve.line(/at (http:\/\/[^ ]+:\d+)\/ /))[1]!;
  });

  afterAll(async () => {
    await serve?.stop(5000);
  });

  it('listens on 127.0.0.1 by default, not on the other addresses of the machine', async () => {
    expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const port = Number(new URL(base).port);
    expect((await rawRequest(base, '/api/runs')).status).toBe(200);
    const others = Object.values(networkInterfaces()).flat().filter((a) => a && !a.internal && a.family === 'IPv4').map((a) => a!.address);
    for (const address of others) expect(await refused(address, port), address).toBe(true);
  });

  it('serves only files inside the runs folder: traversal attempts get 4xx', async () => {
    expect((await rawRequest(base, '/runs/r1/config.json')).status).toBe(200);
    for (const path of [
      '/runs/..%2f..%2fetc/passwd', '/runs/..%2f..%2f..%2f..%2f..%2fetc%2fpasswd', '/runs/r1/..%2f..%2fsecret.txt',
      '/runs/../secret.txt', '/runs/r1/../../secret.txt', '/runs/%2e%2e/secret.txt', '/runs/r1/%2E%2E/%2E%2E/secret.txt',
      '/runs/r1/..%5c..%5csecret.txt', '/runs/r1/%00', '/assets/..%2f..%2f..%2fpackage.json', '/assets/../../package.json',
      '/runs//etc/passwd', '/runs/r1/checkpoints', '/runs/nope/x',
    ]) {
      const a = await rawRequest(base, path);
      expect(a.status, path).toBeGreaterThanOrEqual(400);
      expect(a.status, path).toBeLessThan(500);
      expect(a.body, path).not.toMatch(/TOP-SECRET|root:x?:|"name": "dcgan"/);
    }
  });

  it('answers malformed parameters with 4xx and never crashes', async () => {
    const cases: [string, number, { method?: string; headers?: Record<string, string> }?][] = [
      ['/api/runs/r1/metrics?from=abc', 400], ['/api/runs/r1/metrics?from=-5', 400], ['/api/runs/r1/metrics?from=1&from=2', 400],
      ['/api/runs/r1/metrics?from=1e9', 400], ['/api/runs/r1/metrics?unknown=1', 400], ['/api/runs/%E0%A4%A', 400],
      ['/explorer?run=%zz', 400], ['/?nope=1', 400], ['/api/runs/nope/events', 404], [`/runs/${'a/'.repeat(3000)}`, 414],
      ['/api/runs', 405, { method: 'PUT' }], ['/api/runs', 403, { headers: { Host: 'attacker.example' } }],
    ];
    for (const [path, status, opts] of cases) expect((await rawRequest(base, path, opts)).status, path).toBe(status);
    expect((await rawRequest(base, '/api/runs/r1/metrics?from=0')).status).toBe(200);
    expect(serve.child.exitCode).toBeNull();
    expect(serve.output()).not.toMatch(/Error|at .*\.js:\d+/);
  });

  it('checks its own flags with one-line errors', async () => {
    const missing = await dcgan('serve', '--runs', join(runs, 'nope'));
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(missing.stderr).toMatch(/no such folder/);
    const oneRun = await dcgan('serve', '--runs', join(runs, 'r1'));
    expect(oneRun.code).toBe(1);
    expect(oneRun.stderr).toMatch(/is one run's folder; serve the folder it is in: --runs /);
    expect((await dcgan('serve', '--runs', runs, '--port', '70000')).stderr).toMatch(/--port must be at most 65535/);
    const busy = await dcgan('serve', '--runs', runs, '--port', new URL(base).port);
    expect(busy.code).toBe(1);
    expect(busy.stderr).toMatch(/already in use/);
    expect((await dcgan('--help')).stdout).toMatch(/serve +web dashboard/);
    expect((await dcgan('serve', '--help')).stdout).toMatch(/--host H/);
  });

  it('stops on Ctrl-C with exit code 0', async () => {
    expect(await serve.stop()).toBe(0);
  });
});
