// The list of runs in the runs folder, with their state and progress; a click selects a run without reloading.
import type { RunSummary } from '../shared/api';
import { dashboardUrl } from '../shared/api';
import { STATE_LABEL, h } from '../shared/format';

export class RunsList {
  private selected: string | null = null;
  private runs: RunSummary[] = [];

  constructor(private readonly ul: HTMLElement, private readonly empty: HTMLElement, private readonly onSelect: (name: string) => void) {}

  get names(): string[] {
    return this.runs.map((r) => r.name);
  }

  /** The run to show when none is asked for: a running one, else the most recently updated. */
  get preferred(): string | null {
    return (this.runs.find((r) => r.state === 'running' || r.state === 'starting') ?? this.runs[0])?.name ?? null;
  }

  set(runs: RunSummary[]): void {
    this.runs = runs;
    this.render();
  }

  /** A fresher summary of one run (from its own event stream). */
  update(s: RunSummary): void {
    const i = this.runs.findIndex((r) => r.name === s.name);
    if (i >= 0) this.runs[i] = s;
    this.render();
  }

  select(name: string | null): void {
    this.selected = name;
    this.render();
  }

  private render(): void {
    this.empty.hidden = this.runs.length > 0;
    this.ul.replaceChildren(...this.runs.map((r) => {
      const pct = r.totalSteps > 0 ? Math.min(100, (100 * r.step) / r.totalSteps) : 0;
      const bar = h('div');
      bar.style.width = `${pct}%`;
      const a = h('a', { href: dashboardUrl(r.name), 'data-run': r.name, class: r.name === this.selected ? 'selected' : '' },
        h('div', { class: 'run-name' }, r.name),
        h('div', { class: 'run-meta' },
          h('span', { class: 'badge', 'data-state': r.state }, STATE_LABEL[r.state]),
          `${r.step}/${r.totalSteps || '?'}`, r.preset ? ` · ${r.preset}` : ''),
        h('div', { class: 'mini' }, bar));
      a.addEventListener('click', (ev) => {
        if (ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.button !== 0) return;
        ev.preventDefault();
        this.onSelect(r.name);
      });
      return h('li', {}, a);
    }));
  }
}
