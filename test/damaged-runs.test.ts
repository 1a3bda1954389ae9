// The damaged-run fuzz test: every file of a finished (tiny, fake-data) run folder is truncated, garbled,
// retyped or deleted in turn, and `train --resume`, `sample`, `eval`, `interpolate` and the server are run on
// each copy. None may print a stack trace; a failure is one line naming what to do; a success is either the
// intact run's output byte for byte or says (a warning) what it passed over; and a resumed run is whole
// again (sampling it gives the intact run's images).
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../src/server/server.js';
import { tempDir } from './helpers.js';

interface Job {
  id: string;
  args?: string[];
  features?: string;
}
interface Result {
  id: string;
  args: string[];
  code: number | null;
  out: string;
  err: string;
  crash: string | null;
}

const root = tempDir('dcgan-damaged-');
const intact = join(root, 'intact');
const features = join(root, 'features');
const cache = join(root, 'cache');
const TRAIN = ['--data', 'fake:32x32x1', '--preset', 'dcgan64', '--image-size', '32', '--ngf', '4', '--ndf', '4', '--batch-size', '4',
  '--max-steps', '4', '--checkpoint-every', '2', '--sample-every', '2', '--keep-checkpoints', '2', '--ema', '0.9', '--seed', '7'];
const SAMPLE = ['-n', '4', '--seed', '1'];
const WALK = ['--points', '2', '--steps', '2'];
const EVAL = ['-n', '20', '--features', join(features, 'model.json'), '--no-memorization', '--kid-subsets', '2', '--kid-subset-size', '10', '--real-subset', '20'];

/** The ways a file is damaged: every file is truncated, garbled in place and deleted; JSON files also retyped. */
type Damage = 'truncate' | 'garble' | 'garble-early' | 'delete' | 'retype' | 'drop-field' | 'reshape';

function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => statSync(join(dir, f)).isFile()).sort();
}

/** Every number of a JSON value as a string (a file whose fields have the wrong types). */
function retype(v: unknown): unknown {
  if (typeof v === 'number') return String(v);
  if (Array.isArray(v)) return v.map(retype);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, retype(x)]));
  return v;
}

function damage(path: string, how: Damage): void {
  const bytes = readFileSync(path);
  if (how === 'delete') return rmSync(path);
  if (how === 'truncate') return writeFileSync(path, bytes.subarray(0, Math.floor(bytes.length / 2)));
  if (how === 'garble' || how === 'garble-early') {
    // Same size, 16 bytes inverted (in the middle, or a quarter in): only a checksum (or a parser) can tell.
    const b = Buffer.from(bytes), at = Math.floor(b.length / (how === 'garble' ? 2 : 4));
    for (let k = at - 8; k < at + 8; k++) b[k] = b[k]! ^ 0xff;
    return writeFileSync(path, b);
  }
  const json = JSON.parse(bytes.toString('utf8')) as { meta: Record<string, unknown>; tensors: Record<string, { shape: number[] }> };
  if (how === 'retype') return writeFileSync(path, JSON.stringify(retype(json)));
  if (how === 'drop-field') delete json.meta.weightNames; // checkpoint.json
  if (how === 'reshape') {
    const { shape } = Object.values(json.tensors)[0]!;
    shape[shape.length - 1] = shape.at(-1)! + 1;
  }
  writeFileSync(path, JSON.stringify(json));
}

function damagesOf(file: string): Damage[] {
  const base: Damage[] = ['truncate', 'garble', 'delete'];
  if (!file.endsWith('.json')) return base;
  base.push('garble-early');
  return file.endsWith('checkpoint.json') ? [...base, 'retype', 'drop-field', 'reshape'] : [...base, 'retype'];
}

/** Runs `jobs` through test/cli-batch.cjs. */
function batch(jobs: Job[], name: string): Promise<Result[]> {
  const jobsFile = join(root, `${name}.jobs.json`), resultsFile = join(root, `${name}.results.json`);
  writeFileSync(jobsFile, JSON.stringify(jobs));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(__dirname, 'cli-batch.cjs'), jobsFile, resultsFile], {
      stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, DCGAN_THREADS: '1', DCGAN_CACHE_DIR: cache },
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(readFileSync(resultsFile, 'utf8')) as Result[]) : reject(new Error(`cli-batch ${name} exited ${code}: ${stderr}`))));
  });
}

const STACK = /\n\s+at .+:\d+/;

/** A failure is one line ('dcgan CMD: ...'), after any warnings; nothing crashed or printed a stack. */
function expectClean(r: Result): void {
  const where = `${r.id}: ${r.args.join(' ')}\n${r.out}\n${r.err}`;
  expect(r.crash, where).toBeNull();
  expect(`${r.out}${r.err}`, where).not.toMatch(STACK);
  expect([0, 1], where).toContain(r.code);
  if (r.code === 1) {
    const lines = r.err.trim().split('\n').filter((l) => !l.startsWith('warning: '));
    expect(lines, where).toHaveLength(1);
    expect(lines[0], where).toMatch(new RegExp(`^dcgan ${r.args[0]}: .{20,}`));
  }
}

const warned = (r: Result) => /(^|\n)warning: /.test(`${r.out}\n${r.err}`);

describe('damaged run folders', () => {
  const variants: { id: string; file: string; how: Damage }[] = [];
  let reference: { sample: Buffer; walk: Buffer; eval: unknown };
  let readOnly: Result[] = [];
  let resumed: Result[] = [];
  let server: RunningServer;
  const logged: string[] = [];

  beforeAll(async () => {
    // Trained in a batch too: resumed runs must match it bit for bit, so every run uses one ATen thread.
    const ref = join(root, 'ref');
    mkdirSync(ref);
    const r = await batch([{ id: 'train', args: ['train', ...TRAIN, '--out', intact] }, { id: 'features', features },
      { id: 'sample', args: ['sample', intact, ...SAMPLE, '--grid', join(ref, 's.png')] },
      { id: 'walk', args: ['interpolate', intact, ...WALK, '--out', join(ref, 'w')] }, { id: 'eval', args: ['eval', intact, ...EVAL, '--out', ref] }], 'reference');
    for (const x of r) expect(x.code, `${x.id}: ${x.err}`).toBe(0);
    reference = { sample: readFileSync(join(ref, 's.png')), walk: readFileSync(join(ref, 'w.png')), eval: JSON.parse(readFileSync(join(ref, 'eval.json'), 'utf8')).metrics };

    // Two copies per damaged file: one for the commands that only read, one for train --resume.
    for (const file of files(intact)) {
      for (const how of damagesOf(file)) {
        const id = `${file.replace(/[/.]/g, '_')}-${how}`;
        variants.push({ id, file, how });
        for (const set of ['read', 'resume']) {
          const dir = join(root, set, id);
          cpSync(intact, dir, { recursive: true });
          damage(join(dir, file), how);
        }
      }
    }
    const readJobs: Job[] = variants.flatMap(({ id }) => {
      const dir = join(root, 'read', id), out = join(root, 'out', id);
      return [
        { id: `${id}/sample`, args: ['sample', dir, ...SAMPLE, '--grid', `${out}-s.png`] },
        { id: `${id}/sample-checkpoint`, args: ['sample', dir, '--checkpoint', '4', ...SAMPLE, '--grid', `${out}-c.png`] },
        { id: `${id}/interpolate`, args: ['interpolate', dir, ...WALK, '--out', `${out}-w`] },
        { id: `${id}/eval`, args: ['eval', dir, ...EVAL, '--out', `${out}-eval`] },
        { id: `${id}/eval-checkpoint`, args: ['eval', dir, '--checkpoint', '4', ...EVAL, '--out', `${out}-eval-c`] },
      ];
    });
    const resumeJobs: Job[] = variants.flatMap(({ id }) => {
      const dir = join(root, 'resume', id);
      return [
        { id: `${id}/train`, args: ['train', '--resume', dir] },
        { id: `${id}/sample-after`, args: ['sample', dir, ...SAMPLE, '--grid', join(root, 'out', `${id}-after.png`)] },
      ];
    });
    mkdirSync(join(root, 'out'));
    [readOnly, resumed] = await Promise.all([batch(readJobs, 'read'), batch(resumeJobs, 'resume')]);
    server = await startServer({ runsDir: join(root, 'read'), port: 0, log: (l) => logged.push(l) });
  }, 600_000);

  afterAll(async () => {
    await server?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('covers every file of the run folder', () => {
    expect(files(intact)).toEqual(expect.arrayContaining(['config.json', 'metrics.jsonl', 'progress.json', 'samples/step-0000002.png',
      'checkpoints/step-0000002/checkpoint.json', 'checkpoints/step-0000004/tensors.bin', 'generator/model.json', 'generator/weights.bin']));
    expect(readOnly).toHaveLength(variants.length * 5);
    expect(resumed).toHaveLength(variants.length * 2);
  });

  it('sample, interpolate and eval: one clean line, or the intact output, or a warning', () => {
    for (const r of readOnly) {
      expectClean(r);
      if (r.code !== 0 || warned(r)) continue;
      const [id, cmd] = r.id.split('/') as [string, string];
      const out = join(root, 'out', id);
      const where = `${r.id}: the output differs from the intact run's, without a warning\n${r.out}${r.err}`;
      if (cmd === 'sample') expect(readFileSync(`${out}-s.png`).equals(reference.sample), where).toBe(true);
      // The final checkpoint's EMA weights are the exported generator's.
      if (cmd === 'sample-checkpoint') expect(readFileSync(`${out}-c.png`).equals(reference.sample), where).toBe(true);
      if (cmd === 'interpolate') expect(readFileSync(`${out}-w.png`).equals(reference.walk), where).toBe(true);
      if (cmd === 'eval') expect(JSON.parse(readFileSync(join(`${out}-eval`, 'eval.json'), 'utf8')).metrics, where).toEqual(reference.eval);
      if (cmd === 'eval-checkpoint') expect(JSON.parse(readFileSync(join(`${out}-eval-c`, 'eval.json'), 'utf8')).metrics, where).toEqual(reference.eval);
    }
  });

  it('damage to a weight file is found, never loaded silently', () => {
    // The exported generator's: sampling falls back to the final checkpoint, with a warning naming the file.
    const generator = readOnly.filter((r) => /^generator_weights_bin-(garble|truncate)\/(sample|interpolate)$/.test(r.id));
    expect(generator).toHaveLength(4);
    for (const r of generator) {
      expect(r.code, r.id).toBe(0);
      expect(r.err, r.id).toMatch(/warning: .*generator\/weights\.bin/);
    }
    // A checkpoint's, asked for by step: one line naming the file.
    const checkpoint = readOnly.filter((r) => /^checkpoints_step-0000004_tensors_bin-(garble|truncate)\/sample-checkpoint$/.test(r.id));
    expect(checkpoint).toHaveLength(2);
    for (const r of checkpoint) {
      expect(r.code, r.id).toBe(1);
      expect(r.err, r.id).toMatch(/step-0000004\/tensors\.bin: (its checksum does not match|truncated)/);
    }
  });

  it('train --resume repairs what can be repaired and refuses the rest in one line', () => {
    const byId = new Map(resumed.map((r) => [r.id, r]));
    for (const { id, file, how } of variants) {
      const t = byId.get(`${id}/train`)!, s = byId.get(`${id}/sample-after`)!;
      expectClean(t);
      expectClean(s);
      if (t.code !== 0) {
        // Only a run whose config.json is damaged cannot be resumed; its progress.json says so.
        expect(file, `${id}: ${t.err}`).toBe('config.json');
        if (how === 'delete') {
          expect(t.err).toMatch(/the run's config\.json is missing; restore it, or start a new run/);
          continue;
        }
        const progress = JSON.parse(readFileSync(join(root, 'resume', id, 'progress.json'), 'utf8')) as { status: string; message: string };
        expect(progress, id).toMatchObject({ status: 'failed', message: t.err.trim().replace(/^dcgan train: /, '') });
        continue;
      }
      // Resumed, the run is whole again: its generator gives the intact run's images (exact resume).
      expect(s.code, `${id}: ${s.err}`).toBe(0);
      expect(readFileSync(join(root, 'out', `${id}-after.png`)).equals(reference.sample), `${id}: ${t.out}\n${s.out}${s.err}`).toBe(true);
    }
  });

  it('the server answers every damaged run without an error of its own', async () => {
    const get = async (path: string) => {
      const res = await fetch(`${server.url}${path}`);
      await res.arrayBuffer();
      return res.status;
    };
    expect(await get('/api/runs')).toBe(200);
    for (const { id } of variants) {
      for (const path of [`/api/runs/${id}`, `/api/runs/${id}/metrics?from=0`, `/runs/${id}/generator/model.json`, `/runs/${id}/samples/step-0000004.png`]) {
        const status = await get(path);
        expect([200, 404], `${path}: ${status}`).toContain(status);
      }
    }
    expect(logged).toEqual([]);
    expect(relative(root, server.runsDir)).toBe('read');
  });
});
