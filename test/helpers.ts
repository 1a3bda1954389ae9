// Shared by the smoke tests: run the real CLI (bin/dcgan.js over dist/), temp folders.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const bin = join(__dirname, '..', 'bin', 'dcgan.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the CLI to completion. Asynchronous on purpose: a test worker blocked for a minute in spawnSync
 * misses vitest's RPC deadline.
 */
export function dcgan(...args: string[]): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, DCGAN_THREADS: '2' } });
    let stdout = '', stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export function dcganAsync(...args: string[]): ChildProcess {
  return spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, DCGAN_THREADS: '2' } });
}

export function tempDir(prefix = 'dcgan-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}
