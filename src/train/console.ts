// Training progress on the console: on a terminal, one line redrawn in place (epoch, a bar, step, img/s,
// ETA and the four figures); otherwise a plain line every `logEvery` steps. Warnings get their own lines.
import type { ImageDataset } from '../data/index.js';
import type { EngineInfo } from '../engine/index.js';
import type { TrainConfig } from '../run/config.js';
import type { MetricsLine } from '../run/run-folder.js';

/** The first line of a run: what it trains, on what, on which engine, and where its folder is. */
export function startMessage(cfg: TrainConfig, ds: ImageDataset, engine: EngineInfo, total: number, dir: string): string {
  const where = engine.backend === 'aten' ? `aten (libtorch ${engine.torch ?? '?'}, ${engine.threads} threads)` : `${engine.backend} (slow)`;
  return `training ${cfg.preset} on ${cfg.dryRun ? 'fake data (dry run)' : cfg.data}: ${ds.count.toLocaleString('en-US')} images of ` +
    `${ds.height}x${ds.width}x${ds.channels}, ${total} step${total === 1 ? '' : 's'} of ${cfg.batchSize}, on ${where}\n  run folder: ${dir}`;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
  return h ? `${h}h${String(m).padStart(2, '0')}m` : m ? `${m}m${String(r).padStart(2, '0')}s` : `${r}s`;
}

export interface ProgressView {
  step: number;
  totalSteps: number;
  epoch: number;
  epochs: number;
  etaSeconds: number | null;
  line: MetricsLine;
}

function figures(l: MetricsLine): string {
  // ADA's p and the last R1 penalty when those options are on (quality.ts adds them to the line).
  const extra = (l.ada_p !== undefined ? `  p ${l.ada_p.toFixed(3)}` : '') + (l.r1 !== undefined ? `  R1 ${l.r1.toFixed(4)}` : '');
  return `Loss_D ${l.Loss_D.toFixed(4)}  Loss_G ${l.Loss_G.toFixed(4)}  D(x) ${l['D(x)'].toFixed(4)}  D(G(z)) ${l['D(G(z))'].toFixed(4)} / ${l['D(G(z))_2'].toFixed(4)}${extra}`;
}

export class ConsoleProgress {
  private readonly tty: boolean;
  private drawn = false;

  constructor(private readonly out: NodeJS.WriteStream = process.stdout, private readonly logEvery = 50, tty?: boolean) {
    this.tty = tty ?? Boolean(out.isTTY);
  }

  update(v: ProgressView): void {
    if (this.tty) {
      const width = 20, done = Math.round((v.step / Math.max(1, v.totalSteps)) * width);
      const bar = `[${'='.repeat(Math.max(0, done - 1))}${done > 0 ? '>' : ''}${' '.repeat(width - done)}]`;
      const text = `epoch ${v.epoch + 1}/${v.epochs} ${bar} ${v.step}/${v.totalSteps} | ${v.line['img/s'].toFixed(1)} img/s | ETA ${formatDuration(v.etaSeconds ?? NaN)} | ${figures(v.line)}`;
      const cols = this.out.columns ?? 160;
      this.out.write(`\r\x1b[2K${text.slice(0, cols - 1)}`);
      this.drawn = true;
    } else if (v.step % this.logEvery === 0 || v.step === v.totalSteps || v.step === 1) {
      this.out.write(`[${v.epoch + 1}/${v.epochs}][${v.step}/${v.totalSteps}] ${figures(v.line)}  ${v.line['img/s'].toFixed(1)} img/s  ETA ${formatDuration(v.etaSeconds ?? NaN)}\n`);
    }
  }

  /** A message on its own line (the bar is redrawn on the next update). */
  message(text: string): void {
    if (this.drawn) this.out.write('\r\x1b[2K');
    this.out.write(`${text}\n`);
  }

  finish(): void {
    if (this.drawn) this.out.write('\n');
    this.drawn = false;
  }
}
