// Shared by the smoke tests: run the real CLI (bin/dcgan.js over dist/), temp folders.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const bin = join(__dirname, '..', 'bin', 'dcgan.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function dcgan(...args: string[]): CliResult {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 900_000, env: { ...process.env, DCGAN_THREADS: '2' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function dcganAsync(...args: string[]): ChildProcess {
  return spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, DCGAN_THREADS: '2' } });
}

export function tempDir(prefix = 'dcgan-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}
