// The package as a library: importing it makes `aten` TensorFlow.js's default backend (and says why not when
// the addon is missing), and the README's "Use it from TypeScript" example runs as written.
import { transformSync } from 'esbuild';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir, type CliResult } from './helpers.js';

const root = join(__dirname, '..');

function node(args: string[], cwd: string, env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, DCGAN_THREADS: '2', ...env } });
    let stdout = '', stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

// Resolves 'dcgan' to this package (its "exports"), as a user's project would resolve the installed one.
const IMPORT_AND_REPORT = "const tf = require('@tensorflow/tfjs-core'); require('dcgan'); tf.ready().then(() => console.log(tf.getBackend()));";

describe('dcgan as a library', () => {
  it('importing it makes aten the default backend', async () => {
    const r = await node(['-e', IMPORT_AND_REPORT], root);
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('aten');
  });

  it('without the addon, TensorFlow.js stays on cpu with one warning that says why', async () => {
    const r = await node(['-e', IMPORT_AND_REPORT], root, { DCGAN_DISABLE_NATIVE: '1' });
    expect(r.stdout.trim()).toBe('cpu');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/dcgan: DCGAN_DISABLE_NATIVE=1 is set; TensorFlow.js runs on its pure-JS cpu backend/);
  });

  it("runs the README's TypeScript example as written", async () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const block = /## Use it from TypeScript[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block, 'the README has a ```ts block under "Use it from TypeScript"').toBeTruthy();
    // Compiled as a user's build would; it lives inside the package so that 'dcgan' resolves to it.
    const js = transformSync(block!, { loader: 'ts', format: 'esm', target: 'node20' }).code;
    mkdirSync(join(root, 'build'), { recursive: true });
    const file = join(root, 'build', 'readme-example.mjs');
    writeFileSync(file, js);
    const cwd = tempDir();
    const r = await node([file], cwd);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^aten 8000 28 28 1$/m);
    expect(r.stdout).toMatch(/G: [\d,]+ parameters, z of 100/);
    expect(r.stdout).toMatch(/^done 20 \d/m);
    expect(existsSync(join(cwd, 'runs', 'from-typescript', 'sixteen.png'))).toBe(true);
    expect(existsSync(join(cwd, 'runs', 'from-typescript', 'checkpoints', 'step-0000020'))).toBe(true);
  });
});
