// The resolved config from the knob table: options checked by name (the flag for the CLI, the key for code,
// file and key for config.json), preset defaults under the user's, architecture knobs a preset ignores
// rejected, the result frozen; config.json read back and checked; --resume changing only what may change.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { getPreset } from '../model/presets.js';
import { UserError } from '../util/errors.js';
import { architectureOf, checkOptions, checkSavedConfig, ConfigError, nameOf, resolveConfig, resumedConfig, type OptionSource, type TrainOptions } from './config.js';
import { KNOB_KEYS } from './knobs.js';
import { RunFolder } from './run-folder.js';

/** The message of the ConfigError `f` throws (one line). */
function configError(f: () => unknown): string {
  let err: unknown;
  try {
    f();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(ConfigError);
  expect(err).toBeInstanceOf(UserError);
  const msg = (err as Error).message;
  expect(msg.split('\n')).toHaveLength(1);
  return msg;
}

const tmp = mkdtempSync(join(tmpdir(), 'dcgan-config-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const FILE: OptionSource = { file: 'runs/a/config.json' };

describe('checkOptions', () => {
  it('names an unknown key, and lists the known ones', () => {
    const msg = configError(() => checkOptions({ epoch: 3 }));
    expect(msg).toMatch(/^unknown option 'epoch' \(options: data, dataDir, .*, epochs, .*\)$/);
    for (const key of KNOB_KEYS) expect(msg).toContain(key);
    expect(configError(() => checkOptions({ epoch: 3 }, FILE))).toMatch(/^runs\/a\/config\.json: unknown option 'epoch' /);
  });

  it('each bound names the flag for the CLI, the key for code, the file and key for a file', () => {
    const cases: [TrainOptions | Record<string, unknown>, string, string][] = [
      [{ epochs: 0 }, 'epochs', 'must be at least 1, got 0'], // min
      [{ realLabel: 1.5 }, 'realLabel', 'must be at most 1, got 1.5'], // max
      [{ lrD: 0 }, 'lrD', 'must be greater than 0, got 0'], // gt
      [{ beta1: 1 }, 'beta1', 'must be less than 1, got 1'], // lt
      [{ labelNoise: 0.5 }, 'labelNoise', 'must be less than 0.5, got 0.5'],
      [{ batchSize: 2.5 }, 'batchSize', 'must be an integer >= 1, got 2.5'],
      [{ optimizer: 'sgd' }, 'optimizer', 'must be one of adam, sgd-nesterov, got "sgd"'],
      [{ channels: 2 }, 'channels', 'must be one of 1, 3, got 2'],
      [{ flip: 'yes' }, 'flip', 'must be true or false, got "yes"'],
      [{ imageSize: [64, 0] }, 'imageSize', 'must be N or HxW (height x width, 1..4096), e.g. 64 or 64x48, got [64,0]'],
    ];
    const flags: Record<string, string> = { epochs: '--epochs', realLabel: '--real-label', lrD: '--lr-d', beta1: '--beta1', labelNoise: '--label-noise', batchSize: '--batch-size', optimizer: '--optimizer', channels: '--channels', flip: '--flip', imageSize: '--image-size' };
    for (const [options, key, text] of cases) {
      expect(configError(() => checkOptions(options as Record<string, unknown>, 'cli'))).toBe(`${flags[key]} ${text}`);
      expect(configError(() => checkOptions(options as Record<string, unknown>, 'code'))).toBe(`option '${key}' ${text}`);
      expect(configError(() => checkOptions(options as Record<string, unknown>, FILE))).toBe(`runs/a/config.json: '${key}' ${text}`);
    }
    expect(nameOf('lrD', 'cli')).toBe('--lr-d');
  });

  it('passes good options through, and ignores undefined ones', () => {
    const o = { epochs: 2, lr: 1e-3, imageSize: [32, 48], background: [0, 0, 0], data: 'fake', dataDir: undefined };
    expect(checkOptions(o)).toBe(o);
  });
});

describe('resolveConfig', () => {
  it("fills the preset's training settings and the project's defaults; the user's options win", () => {
    const keras = resolveConfig({ preset: 'keras-mnist' });
    expect(keras).toMatchObject({ preset: 'keras-mnist', batchSize: 128, lrD: 5e-4, lrG: 5e-4, beta1: 0.9, optimizer: 'sgd-nesterov', dBatch: 'concat', realLabel: 1, epochs: 5, beta2: 0.999, seed: 1, data: 'mnist' });
    const dcgan64 = resolveConfig({ preset: 'dcgan64', batchSize: 32, beta1: 0.6 });
    expect(dcgan64).toMatchObject({ imageSize: [64, 64], batchSize: 32, beta1: 0.6, lrD: 2e-4, optimizer: 'adam', ngf: 64, ndf: 64, nz: 100 });
    expect(resolveConfig({}).out).toMatch(/^runs\/dcgan28-mnist-\d{8}-\d{6}$/);
    expect(resolveConfig({ preset: 'dcgan64', data: 'data/faces/' }).out).toMatch(/^runs\/dcgan64-faces-/);
    // Knobs without a default stay unset; lr is a setting of the session, not saved.
    const plain = resolveConfig({ lr: 1e-3 });
    expect(plain).toMatchObject({ lrD: 1e-3, lrG: 1e-3 });
    expect(Object.keys(plain)).not.toContain('lr');
    expect(Object.keys(plain)).not.toContain('maxSteps');
    expect(resolveConfig({ lr: 1e-3, lrG: 5e-3 })).toMatchObject({ lrD: 1e-3, lrG: 5e-3 });
  });

  it('is frozen', () => {
    const cfg = resolveConfig({});
    expect(Object.isFrozen(cfg)).toBe(true);
    expect(() => {
      (cfg as { epochs: number }).epochs = 9;
    }).toThrow(TypeError);
    expect(cfg.epochs).toBe(5);
  });

  it('an architecture knob the preset does not honour is an error naming the knob and the preset', () => {
    expect(configError(() => resolveConfig({ ngf: 32 }, 'cli'))).toBe('--ngf: preset dcgan28 does not use it; leave it out or choose a preset that does (dcgan64, pytorch-celeba)');
    expect(configError(() => resolveConfig({ preset: 'keras-mnist', ndf: 32 }))).toBe("option 'ndf': preset keras-mnist does not use it; leave it out or choose a preset that does (dcgan64, pytorch-celeba)");
    // Honoured ones are taken, and unhonoured ones are not in the config at all.
    expect(resolveConfig({ preset: 'dcgan64', ngf: 32 }, 'cli')).toMatchObject({ ngf: 32, ndf: 64 });
    const dcgan28 = resolveConfig({ nz: 64 });
    expect(dcgan28.nz).toBe(64);
    expect(Object.keys(dcgan28)).not.toContain('ngf');
    for (const name of ['dcgan64', 'pytorch-celeba']) expect(getPreset(name).honours).toContain('ngf');
  });

  it('--arch fixes the architecture: architecture knobs are rejected, the image size comes from the file', () => {
    const arch = join(tmp, 'arch.json');
    writeFileSync(arch, JSON.stringify(getPreset('dcgan28').build({})));
    expect(configError(() => resolveConfig({ arch, nz: 10 }, 'cli'))).toBe(`--nz: --arch ${arch} fixes the architecture; leave it out`);
    expect(resolveConfig({ arch })).toMatchObject({ arch, imageSize: [28, 28] });
  });

  it('an unknown preset names the flag and lists the presets', () => {
    expect(configError(() => resolveConfig({ preset: 'dcgan32' }, 'cli'))).toMatch(/^--preset: unknown preset 'dcgan32' \(presets: dcgan64, dcgan28, /);
  });

  it('--dry-run is one step on fake data', () => {
    expect(resolveConfig({ dryRun: true, epochs: 7 })).toMatchObject({ data: 'fake', epochs: 1, maxSteps: 1, dryRun: true });
    expect(resolveConfig({ dryRun: true }).out).toMatch(/^runs\/dcgan28-fake-/);
  });
});

describe('config.json read back (checkSavedConfig)', () => {
  const saved = () => JSON.parse(JSON.stringify({ ...resolveConfig({ preset: 'dcgan64', epochs: 3 }), classes: 0 })) as Record<string, unknown>;

  it('accepts what resolveConfig made (plus the run-info keys it is told of), frozen', () => {
    const cfg = checkSavedConfig(saved(), 'c.json', ['classes']);
    const { classes: _, ...knobs } = saved();
    expect(cfg).toEqual(knobs);
    expect(Object.isFrozen(cfg)).toBe(true);
  });

  it('a garbled field is rejected naming the file and the key', () => {
    expect(configError(() => checkSavedConfig({ ...saved(), batchSize: 'abc' }, 'runs/x/config.json', ['classes']))).toBe('runs/x/config.json: \'batchSize\' must be an integer >= 1, got "abc"');
    expect(configError(() => checkSavedConfig({ ...saved(), imageSize: 64 }, 'runs/x/config.json', ['classes']))).toMatch(/^runs\/x\/config\.json: 'imageSize' must be N or HxW/);
  });

  it('a missing field is rejected naming the file and the key, and the fix', () => {
    for (const key of ['data', 'preset', 'imageSize', 'batchSize', 'epochs', 'seed']) {
      const json = saved();
      delete json[key];
      expect(configError(() => checkSavedConfig(json, 'runs/x/config.json', ['classes']))).toBe(`runs/x/config.json: '${key}' is missing; the file is damaged (restore it, or start a new run)`);
    }
  });

  it('an unknown key is rejected unless it is run info; architecture keys the preset ignores are dropped', () => {
    expect(configError(() => checkSavedConfig({ ...saved(), colour: 1 }, 'c.json', ['classes']))).toBe("c.json: unknown key 'colour'; the file was not written by this dcgan, or was edited");
    expect(configError(() => checkSavedConfig(saved(), 'c.json', []))).toMatch(/^c\.json: unknown key 'classes'/);
    const old = { ...saved(), preset: 'dcgan28', imageSize: [28, 28], ngf: 64 };
    expect(Object.keys(checkSavedConfig(old, 'c.json', ['classes']))).not.toContain('ngf');
  });

  it("a run folder's config.json: written, read back equal; damaged, named by its path", () => {
    const folder = new RunFolder(join(tmp, 'run'));
    folder.create();
    const cfg = resolveConfig({ preset: 'dcgan64', out: folder.dir });
    const info = { resolvedArch: getPreset('dcgan64').build({}), classes: 0, versions: { dcgan: 'test' }, engine: { backend: 'aten' } };
    folder.writeConfig(cfg, info);
    expect(folder.readConfig()).toEqual({ config: cfg, info });
    writeFileSync(folder.configPath, JSON.stringify({ ...cfg, ...info, epochs: -2 }));
    expect(configError(() => folder.readConfig())).toBe(`${folder.configPath}: 'epochs' must be at least 1, got -2; the file is damaged (restore it, or start a new run)`);
  });
});

describe('resumedConfig (--resume)', () => {
  const saved = resolveConfig({ preset: 'dcgan64', epochs: 3, batchSize: 16, out: 'runs/old' });

  it('takes the resumable options (lr sets lrD and lrG), keeps the rest, and moves out to the run folder', () => {
    const cfg = resumedConfig(saved, { epochs: 10, lr: 1e-3, sampleEvery: 7, threads: 1 }, 'cli', '/abs/runs/old');
    expect(cfg).toEqual({ ...saved, epochs: 10, lrD: 1e-3, lrG: 1e-3, sampleEvery: 7, threads: 1, out: '/abs/runs/old' });
    expect(Object.isFrozen(cfg)).toBe(true);
    expect(resumedConfig(saved, { lrG: 5e-3 }, 'cli', 'r')).toMatchObject({ lrD: saved.lrD, lrG: 5e-3 });
  });

  it('rejects a change that is not resumable, naming the flag (or key); the same value again is fine', () => {
    expect(configError(() => resumedConfig(saved, { batchSize: 32 }, 'cli', 'r'))).toBe("--batch-size cannot change when resuming (the run's config.json fixes it); start a new run to change it");
    expect(configError(() => resumedConfig(saved, { preset: 'dcgan28' }, 'code', 'r'))).toBe("option 'preset' cannot change when resuming (the run's config.json fixes it); start a new run to change it");
    expect(resumedConfig(saved, { batchSize: 16, preset: 'dcgan64', out: 'elsewhere' }, 'cli', 'r')).toEqual({ ...saved, out: 'r' });
  });

  it('checks the new values against their bounds', () => {
    expect(configError(() => resumedConfig(saved, { epochs: 0 }, 'cli', 'r'))).toBe('--epochs must be at least 1, got 0');
    expect(configError(() => resumedConfig(saved, { lr: -1 }, 'cli', 'r'))).toBe('--lr must be greater than 0, got -1');
  });
});

describe('the image-quality knobs', () => {
  it('take their defaults from the recipe, each given option winning, and accept every preset', () => {
    expect(resolveConfig({})).toMatchObject({ recipe: 'dcgan', loss: 'bce', spectralNorm: 'none', augment: 'none', ada: 0, r1: 0, ema: 0 });
    expect(resolveConfig({ recipe: 'modern' })).toMatchObject({ recipe: 'modern', loss: 'bce', spectralNorm: 'none', augment: 'none', ema: 0.99, batchSize: 32 });
    expect(resolveConfig({ recipe: 'modern', loss: 'hinge', batchSize: 64, ema: 0 })).toMatchObject({ loss: 'hinge', spectralNorm: 'none', batchSize: 64, ema: 0 });
    expect(resolveConfig({ preset: 'keras-simpsons' }).batchSize).toBe(256);
    expect(resolveConfig({ ada: 0.6 })).toMatchObject({ augment: 'color,translation,cutout', ada: 0.6 });
    expect(resolveConfig({ augment: 'translation', ada: 0.6 })).toMatchObject({ augment: 'translation', ada: 0.6 });
    for (const preset of ['dcgan28', 'dcgan64', 'keras-mnist', 'tf-mnist64', 'paper-lsun', 'pytorch-celeba', 'keras-simpsons']) {
      expect(resolveConfig({ preset, loss: 'hinge', spectralNorm: 'd', augment: 'color,cutout', ada: 0.6, r1: 0.1 })).toMatchObject({ preset, loss: 'hinge', r1: 0.1 });
    }
  });

  it('a bad --augment or an --ada without augmentation is one line naming the flag', () => {
    expect(configError(() => resolveConfig({ augment: 'color,blur' }, 'cli'))).toBe("--augment color,blur: unknown augmentation 'blur'; use a comma-separated list of color, translation, cutout");
    expect(configError(() => resolveConfig({ augment: 'none', ada: 0.6 }, 'cli'))).toMatch(/^--ada 0\.6 adapts the augmentation's probability, and --augment is none; /);
    expect(configError(() => resolveConfig({ loss: 'wgan' } as unknown as TrainOptions, 'cli'))).toBe('--loss must be one of bce, hinge, ls, got "wgan"');
  });

  it("a D that ends with a sigmoid gives its logit to hinge, least squares and R1, and keeps it for BCE", () => {
    const cfg = (o: TrainOptions) => resolveConfig({ preset: 'keras-simpsons', ...o });
    expect(architectureOf(cfg({}), 3)).toMatchObject({ dOutput: 'probability' });
    for (const o of [{ loss: 'hinge' }, { loss: 'ls' }, { r1: 1 }] as TrainOptions[]) {
      const arch = architectureOf(cfg(o), 3);
      expect(arch.dOutput).toBe('logits');
      expect(arch.discriminator.at(-1)).toEqual({ type: 'dense', units: 1 });
    }
  });

  it('a config.json written before the knobs existed reads with the values that meant what the run did', () => {
    const saved = { ...resolveConfig({}) } as Record<string, unknown>;
    for (const key of ['recipe', 'loss', 'spectralNorm', 'augment', 'ada', 'r1']) delete saved[key];
    expect(checkSavedConfig(saved, 'runs/old/config.json', [])).toMatchObject({ recipe: 'dcgan', loss: 'bce', spectralNorm: 'none', augment: 'none', ada: 0, r1: 0 });
  });
});
