// The fixed-noise grid of a run and a slider over all of them: it follows the newest grid while training
// goes on, unless the user scrubbed back (or unticked "follow latest").
import type { SampleRef } from '../shared/api';

export class GridScrubber {
  private samples: SampleRef[] = [];
  private index = -1;

  constructor(
    private readonly img: HTMLImageElement,
    private readonly empty: HTMLElement,
    private readonly range: HTMLInputElement,
    private readonly label: HTMLElement,
    private readonly follow: HTMLInputElement,
    private readonly onShow: (step: number | null) => void,
  ) {
    range.addEventListener('input', () => {
      const i = Number(range.value);
      this.follow.checked = i === this.samples.length - 1;
      this.show(i);
    });
    follow.addEventListener('change', () => {
      if (this.follow.checked) this.show(this.samples.length - 1);
    });
  }

  reset(samples: SampleRef[]): void {
    this.samples = [...samples];
    this.index = -1;
    this.sync();
    this.show(this.samples.length - 1);
  }

  add(s: SampleRef): void {
    if (this.samples.some((t) => t.step === s.step)) return;
    this.samples.push(s);
    this.samples.sort((a, b) => a.step - b.step);
    this.sync();
    if (this.follow.checked) this.show(this.samples.length - 1);
    else this.label.textContent = this.caption();
  }

  /** Shows the grid nearest to `step` (a click on a chart). */
  showStep(step: number): void {
    if (!this.samples.length) return;
    let best = 0;
    for (let i = 1; i < this.samples.length; i++) {
      if (Math.abs(this.samples[i]!.step - step) < Math.abs(this.samples[best]!.step - step)) best = i;
    }
    this.follow.checked = best === this.samples.length - 1;
    this.show(best);
  }

  private sync(): void {
    this.range.max = String(Math.max(0, this.samples.length - 1));
    this.range.disabled = this.samples.length < 2;
    this.empty.hidden = this.samples.length > 0;
  }

  private caption(): string {
    const s = this.samples[this.index];
    return s ? `step ${s.step} · grid ${this.index + 1} of ${this.samples.length}` : '';
  }

  private show(i: number): void {
    const s = this.samples[i];
    this.index = s ? i : -1;
    if (s) {
      this.range.value = String(i);
      if (this.img.getAttribute('src') !== s.url) this.img.src = s.url;
      this.img.dataset.step = String(s.step);
    } else {
      this.img.removeAttribute('src');
      delete this.img.dataset.step;
    }
    this.label.textContent = this.caption();
    this.onShow(s ? s.step : null);
  }
}
