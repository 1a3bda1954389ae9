// The sample view: one image from z, with a seed, Random, z sliders (the first dimensions of z, or random
// orthonormal directions around the seed's z), the class of a conditional run, and Download PNG.
import { $, h } from '../shared/format';
import { downloadPng, draw } from './canvas-images';
import { LatestOnly, type Explorer } from './context';
import { directions, seedVector } from './latent-tools';

const SLIDERS = 8;

export class SampleView {
  private base: Float32Array;
  private z: Float32Array;
  private mode: 'dims' | 'dirs' = 'dims';
  private amounts: number[] = [];
  private readonly dirs: Float32Array[];
  private image: ImageData | null = null;
  private label = '';
  private readonly queue: LatestOnly;
  private readonly canvas = $<HTMLCanvasElement>('main-canvas');
  private readonly seedInput = $<HTMLInputElement>('seed');

  constructor(private readonly x: Explorer, seed: number) {
    const { nz, latent } = x.gen.meta;
    this.queue = new LatestOnly((e) => x.fail(e));
    this.dirs = directions(Math.min(SLIDERS, nz), nz);
    this.base = seedVector(seed, nz, latent);
    this.z = this.base.slice();
    this.seedInput.value = String(seed);
    this.label = `seed ${seed}`;
    $('z-source').textContent = `z: ${this.label} (the first image of \`dcgan sample GENERATOR --seed ${seed}\`)`;
    $('random').addEventListener('click', () => this.setSeed(Math.floor(Math.random() * 1_000_000)));
    this.seedInput.addEventListener('change', () => {
      const s = Number(this.seedInput.value);
      if (Number.isInteger(s) && s >= 0) this.setSeed(s);
    });
    $('download').addEventListener('click', () => {
      if (!this.image) return;
      const cls = x.cls();
      const name = `${x.run}-step${x.gen.meta.step}-${this.label.replace(/[^a-z0-9]+/gi, '-')}${cls === null ? '' : `-class${cls}`}.png`;
      downloadPng(this.image, name);
    });
    for (const r of document.querySelectorAll<HTMLInputElement>('input[name="slider-mode"]')) {
      r.addEventListener('change', () => {
        if (!r.checked) return;
        this.mode = r.value === 'dirs' ? 'dirs' : 'dims';
        this.amounts = this.dirs.map(() => 0);
        this.z = this.base.slice();
        this.sliders();
        this.render();
      });
    }
    $('reset-sliders').addEventListener('click', () => {
      this.amounts = this.dirs.map(() => 0);
      this.z = this.base.slice();
      this.sliders();
      this.render();
    });
    this.amounts = this.dirs.map(() => 0);
    this.sliders();
  }

  /** The z on view (a copy). */
  get current(): Float32Array {
    return this.z.slice();
  }

  setSeed(seed: number): void {
    this.seedInput.value = String(seed);
    this.show(seedVector(seed, this.x.gen.meta.nz, this.x.gen.meta.latent), `seed ${seed}`);
    $('z-source').textContent = `z: seed ${seed} (the first image of \`dcgan sample GENERATOR --seed ${seed}\`)`;
  }

  /** Takes `z` to the view (an exemplar, an arithmetic result). */
  show(z: Float32Array, label: string): void {
    this.base = z.slice();
    this.z = z.slice();
    this.label = label;
    this.amounts = this.dirs.map(() => 0);
    $('z-source').textContent = `z: ${label}`;
    this.sliders();
    this.render();
  }

  render(): void {
    const z = this.z.slice();
    this.queue.request(async () => {
      const r = await this.x.generate([z], '1 image');
      this.image = r.images[0]!;
      draw(this.canvas, this.image);
      this.canvas.dataset.renders = String(Number(this.canvas.dataset.renders ?? 0) + 1);
    });
  }

  private range(): number {
    return this.x.gen.meta.latent === 'uniform' ? 1 : 3;
  }

  private sliders(): void {
    const box = $('sliders');
    const r = this.range();
    const rows = this.dirs.map((_, i) => {
      const value = this.mode === 'dims' ? this.z[i]! : this.amounts[i]!;
      const input = h('input', {
        type: 'range', min: String(-r), max: String(r), step: '0.01', value: value.toFixed(2),
        id: `slider-${i}`, 'aria-label': this.mode === 'dims' ? `z[${i}]` : `direction ${i + 1}`,
      });
      const out = h('output', {}, value.toFixed(2));
      input.addEventListener('input', () => {
        const v = Number(input.value);
        out.textContent = v.toFixed(2);
        if (this.mode === 'dims') {
          this.z[i] = v;
        } else {
          this.amounts[i] = v;
          this.z = this.base.map((b, k) => b + this.amounts.reduce((acc, a, j) => acc + a * this.dirs[j]![k]!, 0));
        }
        this.render();
      });
      return [h('label', { for: `slider-${i}` }, this.mode === 'dims' ? `z[${i}]` : `d${i + 1}`), input, out];
    });
    box.replaceChildren(...rows.flat());
  }
}
