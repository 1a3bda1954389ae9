// The exemplars: a sheet of samples from one seed. A click shows one, adds it to the interpolation walk, or
// puts it in group A, B or C of the arithmetic, by the click mode.
import { $, h } from '../shared/format';
import { canvasOf } from './canvas-images';
import type { Explorer } from './context';
import { seedVectors } from './latent-tools';

export type PickMode = 'show' | 'interp' | 'A' | 'B' | 'C';

export interface Exemplar {
  z: Float32Array;
  image: ImageData;
  /** e.g. 'exemplar 3 of seed 1000' */
  label: string;
}

const COUNT = 24;

export class Gallery {
  private seed = 1000;
  private items: Exemplar[] = [];

  constructor(private readonly x: Explorer, private readonly onPick: (mode: PickMode, e: Exemplar) => void, private readonly marks: (e: Exemplar) => string[]) {
    $('new-gallery').addEventListener('click', () => {
      this.seed++;
      void this.render();
    });
  }

  private mode(): PickMode {
    return (document.querySelector<HTMLInputElement>('input[name="pick-mode"]:checked')?.value ?? 'show') as PickMode;
  }

  async render(): Promise<void> {
    const { nz, latent } = this.x.gen.meta;
    const zs = seedVectors(this.seed, COUNT, nz, latent);
    const r = await this.x.generate(zs, `${COUNT} exemplars`);
    this.items = zs.map((z, i) => ({ z, image: r.images[i]!, label: `exemplar ${i} of seed ${this.seed}` }));
    $('gallery-note').textContent = `Seed ${this.seed}: the same images as \`dcgan sample GENERATOR --seed ${this.seed} -n ${COUNT}\`.`;
    this.refresh();
  }

  /** Redraws the marks (which picks each exemplar is in). */
  refresh(): void {
    $('gallery').replaceChildren(...this.items.map((e, i) => {
      const tile = h('div', { class: 'tile', 'data-index': String(i), title: e.label },
        canvasOf(e.image), h('div', { class: 'marks' }, ...this.marks(e).map((m) => h('span', {}, m))));
      tile.addEventListener('click', () => this.onPick(this.mode(), e));
      return tile;
    }));
  }
}
