// The interpolation: a closed walk through the picked exemplars (slerp, as White 2016 recommends for
// Gaussian latents, or lerp), generated as one batch of frames, then played as an animation.
import { $ } from '../shared/format';
import { canvasOf, draw } from './canvas-images';
import type { Explorer } from './context';
import type { Exemplar } from './gallery';
import { walk } from './latent-tools';

export class Interpolation {
  readonly picks: Exemplar[] = [];
  private frames: ImageData[] = [];
  private timer: ReturnType<typeof setInterval> | undefined;
  private frame = 0;
  private readonly canvas = $<HTMLCanvasElement>('interp-canvas');
  private readonly counter = $('interp-frame');

  constructor(private readonly x: Explorer, private readonly changed: () => void) {
    $('play').addEventListener('click', () => void this.play().catch((e: unknown) => x.fail(e)));
    $('stop').addEventListener('click', () => this.stop());
    $('clear-picks').addEventListener('click', () => {
      this.picks.length = 0;
      this.stop();
      this.update();
    });
  }

  toggle(e: Exemplar): void {
    const i = this.picks.indexOf(e);
    if (i >= 0) this.picks.splice(i, 1);
    else this.picks.push(e);
    this.update();
  }

  private update(): void {
    const box = $('interp-picks');
    if (!this.picks.length) box.innerHTML = '<span class="hint">Pick two or more exemplars ("adds to the walk").</span>';
    else {
      box.replaceChildren(...this.picks.map((p, i) => {
        const c = canvasOf(p.image, { title: `${i + 1}: ${p.label} (click to remove)` });
        c.addEventListener('click', () => this.toggle(p));
        return c;
      }));
    }
    $<HTMLButtonElement>('play').disabled = this.picks.length < 2;
    this.changed();
  }

  async play(): Promise<void> {
    if (this.picks.length < 2) return;
    this.stop();
    const steps = Math.min(120, Math.max(2, Math.round(Number($<HTMLInputElement>('interp-frames').value) || 16)));
    const fps = Math.min(60, Math.max(1, Number($<HTMLInputElement>('interp-fps').value) || 20));
    const mode = $<HTMLSelectElement>('interp-mode').value === 'lerp' ? 'lerp' : 'slerp';
    const points = [...this.picks.map((p) => p.z), this.picks[0]!.z];
    const zs = walk(points, steps, mode).slice(0, -1); // closed loop: the last point is the first
    this.counter.textContent = `generating ${zs.length} frames…`;
    const r = await this.x.generate(zs, `${zs.length} frames`);
    this.frames = r.images;
    this.frame = 0;
    $<HTMLButtonElement>('stop').disabled = false;
    this.show();
    this.timer = setInterval(() => {
      this.frame = (this.frame + 1) % this.frames.length;
      this.show();
    }, 1000 / fps);
  }

  private show(): void {
    const img = this.frames[this.frame];
    if (!img) return;
    draw(this.canvas, img);
    this.counter.dataset.frame = String(this.frame);
    this.counter.textContent = `frame ${this.frame + 1} / ${this.frames.length}`;
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    $<HTMLButtonElement>('stop').disabled = true;
  }
}
