// dcgan train: flags -> TrainOptions -> train(); the console shows progress, Ctrl-C stops cleanly.
import { parseBackground } from '../../data/options.js';
import { UserError } from '../../errors.js';
import { presetNames } from '../../model/presets.js';
import type { TrainOptions } from '../../train/config.js';
import { ConsoleProgress } from '../../train/console.js';
import { trainingEvaluator } from '../../eval/training-evaluator.js';
import { train, type TrainRequest } from '../../train/trainer.js';
import { choice, flag, num, parse, str, type OptionSpec } from '../args.js';
import type { Command } from '../main.js';

const USAGE = `usage: dcgan train [--data SPEC] [--preset NAME | --arch FILE] [flags]

Trains a DCGAN and writes a run folder (config.json, metrics.jsonl, samples/, checkpoints/, generator/,
progress.json). Defaults come from the preset (its source's batch size, learning rate, Adam betas).

data
  --data SPEC           mnist (built in, default), fashion-mnist, emoji (built in), cifar10:PATH, idx:PATH,
                        a folder of images (recursive), fake[:HxWxC]
  --data-dir DIR        where fashion-mnist's IDX files are
  --labels              folders: sub-folder names become class labels
  --image-size N|HxW    image size (default: the preset's)
  --channels 1|3        grayscale or colour (default: the data's)
  --flip                random horizontal flips
  --background COLOR    transparent pixels onto: white (default), black, gray, #rrggbb, r,g,b
  --strict              an image that does not decode is an error (default: skipped, counted, named)
  --cache-dir DIR       where decoded data is cached     --no-cache  decode every time
model
  --preset NAME         ${presetNames().join(', ')} (default dcgan28)
  --arch FILE           a JSON architecture instead (an ArchSpec)
  --nz N --ngf N --ndf N  latent size, generator and discriminator widths
  --latent normal|uniform
  --conditional         class-conditional DCGAN (labels into z and D's input)
training
  --epochs N            passes over the data (default 5)
  --max-steps N         stop after N iterations
  --batch-size N
  --lr X                learning rate of both networks (--lr-d X, --lr-g X set one)
  --beta1 X --beta2 X   Adam's betas (SGD: --beta1 is the momentum)
  --optimizer adam|sgd-nesterov
  --d-batch separate|concat|half   how D sees real and fake images
  --g-steps N           G updates per D update
  --real-label X        D's target for real images (0.9: one-sided label smoothing)
  --label-noise P       probability of flipping each D target
  --ema DECAY           sample from an exponential moving average of G (e.g. 0.999)
  --seed N
run folder
  --out DIR             where the run goes (default runs/<preset>-<data>-<time>)
  --resume DIR          continue a run from its latest checkpoint
  --sample-every N      steps between fixed-noise grids (default 200)
  --checkpoint-every N  steps between checkpoints (default 500)
  --keep-checkpoints K  checkpoints kept (default 3)
  --log-every N         steps between lines when output is not a terminal (default 50)
  --eval-every N        every N steps: FID, KID, precision/recall (as dcgan eval) into metrics.jsonl; the
                        best-by-FID checkpoint is kept as checkpoints/best
  --eval-samples N      generated images per evaluation (default 2000)
  --eval-features FILE  a TF.js model.json as feature network (data other than mnist, fashion-mnist, cifar10)
engine
  --backend aten|cpu    --threads N
  --dry-run             one step on fake data, then stop (a smoke test)
  --serve [--port N]    train in a child process and serve the live dashboard and explorer (dcgan serve --help)`;

const OPTIONS: OptionSpec = {
  data: { type: 'string' }, 'data-dir': { type: 'string' }, labels: { type: 'boolean' }, 'image-size': { type: 'string' },
  channels: { type: 'string' }, flip: { type: 'boolean' }, background: { type: 'string' }, strict: { type: 'boolean' },
  'cache-dir': { type: 'string' }, 'no-cache': { type: 'boolean' }, preset: { type: 'string' }, arch: { type: 'string' },
  nz: { type: 'string' }, ngf: { type: 'string' }, ndf: { type: 'string' }, latent: { type: 'string' },
  conditional: { type: 'boolean' }, epochs: { type: 'string' }, 'max-steps': { type: 'string' }, 'batch-size': { type: 'string' },
  lr: { type: 'string' }, 'lr-d': { type: 'string' }, 'lr-g': { type: 'string' }, beta1: { type: 'string' }, beta2: { type: 'string' },
  optimizer: { type: 'string' }, 'd-batch': { type: 'string' }, 'g-steps': { type: 'string' }, 'real-label': { type: 'string' },
  'label-noise': { type: 'string' }, ema: { type: 'string' }, seed: { type: 'string' }, out: { type: 'string' },
  resume: { type: 'string' }, 'sample-every': { type: 'string' }, 'checkpoint-every': { type: 'string' },
  'keep-checkpoints': { type: 'string' }, 'log-every': { type: 'string' }, backend: { type: 'string' },
  threads: { type: 'string' }, 'dry-run': { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
  'eval-every': { type: 'string' }, 'eval-samples': { type: 'string' }, 'eval-features': { type: 'string' },
};

/** '64' or '64x128' as [height, width]. */
export function parseSize(flagName: string, raw: string | undefined): [number, number] | undefined {
  if (raw === undefined) return undefined;
  const m = /^(\d+)(?:x(\d+))?$/.exec(raw);
  if (!m) throw new UserError(`--${flagName} must be N or HxW (e.g. 64 or 64x128), got '${raw}'`);
  return [Number(m[1]), Number(m[2] ?? m[1])];
}

export const command: Command = {
  async run(argv) {
    // --serve: this same command runs in a child process while this one serves the dashboard (dcgan serve --help).
    if (argv.includes('--serve')) return (require('./serve.js') as typeof import('./serve.js')).trainAndServe(argv);
    const p = parse('train', argv, OPTIONS);
    if (flag(p, 'help')) {
      console.log(USAGE);
      return 0;
    }
    const int = (name: string) => num(p, name, { integer: true, min: 1 });
    const options: Partial<TrainOptions> = {
      data: str(p, 'data') ?? (str(p, 'resume') ? undefined : 'mnist'),
      dataDir: str(p, 'data-dir'),
      labels: flag(p, 'labels') || undefined,
      imageSize: parseSize('image-size', str(p, 'image-size')),
      channels: choice(p, 'channels', ['1', '3'] as const) === undefined ? undefined : (Number(str(p, 'channels')) as 1 | 3),
      flip: flag(p, 'flip') || undefined,
      strict: flag(p, 'strict') || undefined,
      background: str(p, 'background') === undefined ? undefined : parseBackground(str(p, 'background')!),
      cacheDir: str(p, 'cache-dir'),
      cache: flag(p, 'no-cache') ? false : undefined,
      preset: str(p, 'preset'),
      arch: str(p, 'arch'),
      nz: int('nz'), ngf: int('ngf'), ndf: int('ndf'),
      latent: choice(p, 'latent', ['normal', 'uniform'] as const),
      conditional: flag(p, 'conditional') || undefined,
      epochs: int('epochs'), maxSteps: int('max-steps'), batchSize: int('batch-size'),
      lr: num(p, 'lr', { min: 0 }), lrD: num(p, 'lr-d', { min: 0 }), lrG: num(p, 'lr-g', { min: 0 }),
      beta1: num(p, 'beta1', { min: 0, max: 0.999999 }), beta2: num(p, 'beta2', { min: 0, max: 0.999999 }),
      optimizer: choice(p, 'optimizer', ['adam', 'sgd-nesterov'] as const),
      dBatch: choice(p, 'd-batch', ['separate', 'concat', 'half'] as const),
      gSteps: int('g-steps'),
      realLabel: num(p, 'real-label', { min: 0, max: 1 }),
      labelNoise: num(p, 'label-noise', { min: 0, max: 0.49 }),
      ema: num(p, 'ema', { min: 0, max: 0.99999 }),
      seed: num(p, 'seed', { integer: true, min: 0 }),
      out: str(p, 'out'),
      sampleEvery: int('sample-every'), checkpointEvery: int('checkpoint-every'), keepCheckpoints: int('keep-checkpoints'),
      logEvery: int('log-every'),
      backend: choice(p, 'backend', ['aten', 'cpu'] as const),
      threads: int('threads'),
      dryRun: flag(p, 'dry-run') || undefined,
    };
    const evalEvery = int('eval-every');
    const evaluator = evalEvery ? trainingEvaluator({ ...options, resume: str(p, 'resume') }, { samples: int('eval-samples'), features: str(p, 'eval-features'), onMessage: (m) => con.message(m) }) : undefined;
    const controller = new AbortController();
    let interrupts = 0;
    const onSigint = () => {
      interrupts++;
      if (interrupts > 1) process.exit(130);
      console.error('\nstopping after this step (a checkpoint is written); Ctrl-C again to quit at once');
      controller.abort();
    };
    process.on('SIGINT', onSigint);
    const con = new ConsoleProgress(process.stdout, options.logEvery ?? 50);
    const req: TrainRequest = { ...options, resume: str(p, 'resume'), signal: controller.signal, evaluator, evalEvery };
    try {
      const r = await train(req, {
        onStep: (line, v) => con.update({ ...v, line }),
        onWarning: (m) => con.message(`warning: ${m}`),
        onMessage: (m) => con.message(m),
      });
      con.finish();
      const f = r.last;
      console.log(`${r.status === 'done' ? 'done' : 'stopped'}: ${r.step}/${r.totalSteps} steps on ${r.engine.backend} in ${r.run}` +
        (f ? `\n  Loss_D ${f.lossD.toFixed(4)}  Loss_G ${f.lossG.toFixed(4)}  D(x) ${f.dx.toFixed(4)}  D(G(z)) ${f.dgz1.toFixed(4)}` : '') +
        `\n  samples: ${r.run}/samples   generator (TF.js): ${r.run}/generator/model.json` +
        (r.status === 'stopped' ? `\n  continue with: dcgan train --resume ${r.run}` : ''));
      return r.status === 'done' ? 0 : 130;
    } finally {
      con.finish();
      process.off('SIGINT', onSigint);
    }
  },
};
