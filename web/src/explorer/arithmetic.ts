// Vector arithmetic on z (Radford et al. 2015, section 6.3): the means of three groups of exemplars,
// mean(A) - mean(B) + mean(C), shown with eight neighbours at +-0.25 uniform noise around it.
import { $ } from '../shared/format';
import { canvasOf } from './canvas-images';
import type { Explorer } from './context';
import type { Exemplar } from './gallery';
import { arithmetic, mean, neighbours } from './latent-tools';

export type Group = 'A' | 'B' | 'C';
const GROUPS: Group[] = ['A', 'B', 'C'];
/** The paper averages three exemplars per concept. */
const MAX_PER_GROUP = 3;

export class Arithmetic {
  readonly groups: Record<Group, Exemplar[]> = { A: [], B: [], C: [] };

  constructor(private readonly x: Explorer, private readonly changed: () => void, private readonly take: (z: Float32Array, label: string) => void) {
    $('arith-clear').addEventListener('click', () => {
      for (const g of GROUPS) this.groups[g].length = 0;
      void this.update();
    });
  }

  toggle(g: Group, e: Exemplar): void {
    const list = this.groups[g];
    const i = list.indexOf(e);
    if (i >= 0) list.splice(i, 1);
    else {
      if (list.length >= MAX_PER_GROUP) list.shift();
      list.push(e);
    }
    void this.update().catch((err: unknown) => this.x.fail(err));
  }

  private async update(): Promise<void> {
    for (const g of GROUPS) {
      $(`group-${g}`).replaceChildren(...this.groups[g].map((e) => {
        const c = canvasOf(e.image, { title: `${e.label} (click to remove)` });
        c.addEventListener('click', () => this.toggle(g, e));
        return c;
      }));
    }
    this.changed();
    const out = $('arith-result');
    if (GROUPS.some((g) => this.groups[g].length === 0)) {
      out.replaceChildren();
      return;
    }
    const [a, b, c] = GROUPS.map((g) => mean(this.groups[g].map((e) => e.z))) as [Float32Array, Float32Array, Float32Array];
    const z = arithmetic(a, b, c);
    const around = neighbours(z, 8, 0.25, 77);
    const zs = [...around.slice(0, 4), z, ...around.slice(4)];
    const r = await this.x.generate(zs, 'A − B + C');
    out.replaceChildren(...r.images.map((img, i) => {
      const cv = canvasOf(img, { class: i === 4 ? 'centre' : '', title: i === 4 ? 'mean(A) − mean(B) + mean(C)' : 'with ±0.25 noise' });
      cv.addEventListener('click', () => this.take(zs[i]!, i === 4 ? 'A − B + C' : 'A − B + C, with noise'));
      return cv;
    }));
  }
}
