// The run's curves, drawn with uPlot: losses, the discriminator's outputs, speed, and one chart for each
// other figure the log carries (FID, KID, sample diversity ...) as it appears. Data arrive whole (a snapshot)
// or as appended lines; a vertical marker shows the step of the sample grid on view, and a click on a chart
// asks for the grid nearest that step.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { MetricsPoint } from '../shared/api';
import { h } from '../shared/format';

interface ChartDef {
  id: string;
  title: string;
  keys: string[];
  /** Fixed y range (D outputs are probabilities). */
  range?: [number, number];
  /** Smoothed when the page's smoothing is on (noisy per-step figures). */
  smooth: boolean;
  /** Logged only at some steps: draw points and join the gaps. */
  sparse: boolean;
}

const COLORS = ['#3a63d8', '#e0563b', '#2f9e6e', '#8e5bd6', '#d69e2e', '#319795'];
const NOT_PLOTTED = new Set(['step', 'epoch', 'seconds']);
const BASE: ChartDef[] = [
  { id: 'loss', title: 'Losses', keys: ['Loss_D', 'Loss_G'], smooth: true, sparse: false },
  { id: 'd', title: 'Discriminator outputs', keys: ['D(x)', 'D(G(z))', 'D(G(z))_2'], range: [0, 1], smooth: true, sparse: false },
  { id: 'speed', title: 'Speed (img/s)', keys: ['img/s'], smooth: true, sparse: false },
];
const TITLES: Record<string, string> = {
  fid: 'FID (lower is better)', kid: 'KID (lower is better)', diversity: 'Sample diversity',
  // train --ada and --r1 (Karras et al. 2020; Mescheder et al. 2018)
  ada_p: 'ADA: augmentation probability p', ada_rt: "ADA: D's overfitting r_t = E[sign D(x)] (p rises above the target)", r1: 'R1 penalty',
  sn_sigma_max: "Spectral norm: largest sigma(W) of D's raw weights",
};

/** Exponential moving average that skips gaps (TensorBoard's smoothing, without its debias). */
function smoothed(values: (number | null)[], alpha: number): (number | null)[] {
  if (alpha <= 0) return values;
  let acc: number | null = null;
  return values.map((v) => {
    if (v === null) return null;
    acc = acc === null ? v : alpha * acc + (1 - alpha) * v;
    return acc;
  });
}

interface Chart {
  def: ChartDef;
  el: HTMLElement;
  plot: uPlot;
}

export class MetricsCharts {
  private steps: number[] = [];
  private readonly cols = new Map<string, (number | null)[]>();
  private readonly charts = new Map<string, Chart>();
  private alpha = 0.6;
  private marker: number | null = null;
  private readonly resize = new ResizeObserver(() => this.fit());

  constructor(private readonly container: HTMLElement, private readonly onPick: (step: number) => void) {
    this.resize.observe(container);
  }

  reset(points: MetricsPoint[]): void {
    this.steps = [];
    this.cols.clear();
    for (const c of this.charts.values()) {
      c.plot.destroy();
      c.el.remove();
    }
    this.charts.clear();
    this.append(points);
  }

  append(points: MetricsPoint[]): void {
    // uPlot needs ascending steps: a line out of order (a log written by two processes) rebuilds the columns.
    const lastStep = this.steps.at(-1) ?? -Infinity;
    if (points.some((p, i) => p.step <= (i === 0 ? lastStep : points[i - 1]!.step))) {
      const rows = new Map<number, MetricsPoint>();
      this.steps.forEach((step, i) => {
        const row: MetricsPoint = { step };
        for (const [k, col] of this.cols) if (col[i] !== null && col[i] !== undefined) row[k] = col[i]!;
        rows.set(step, row);
      });
      for (const p of points) rows.set(p.step, p);
      this.steps = [];
      this.cols.clear();
      points = [...rows.values()].sort((a, b) => a.step - b.step);
    }
    for (const p of points) {
      const at = this.steps.length;
      this.steps.push(p.step);
      for (const [k, v] of Object.entries(p)) {
        if (NOT_PLOTTED.has(k)) continue;
        let col = this.cols.get(k);
        if (!col) {
          col = new Array<number | null>(at).fill(null);
          this.cols.set(k, col);
        }
        col.push(v);
      }
      for (const col of this.cols.values()) if (col.length < at + 1) col.push(null);
    }
    this.ensureCharts();
    this.redraw();
  }

  setSmoothing(alpha: number): void {
    this.alpha = alpha;
    this.redraw();
  }

  /** Marks `step` (the grid on view) on every chart. */
  setMarker(step: number | null): void {
    this.marker = step;
    for (const c of this.charts.values()) c.plot.redraw(false, false);
  }

  private ensureCharts(): void {
    for (const def of BASE) if (!this.charts.has(def.id) && def.keys.some((k) => this.cols.has(k))) this.add(def);
    const extras = [...this.cols.keys()].filter((k) => !BASE.some((d) => d.keys.includes(k))).sort((a, b) => (a === 'fid' ? -1 : b === 'fid' ? 1 : a.localeCompare(b)));
    for (const k of extras) {
      if (!this.charts.has(k)) this.add({ id: k, title: TITLES[k] ?? k, keys: [k], smooth: false, sparse: true });
    }
  }

  private add(def: ChartDef): void {
    const el = h('div', { class: 'card chart', id: `chart-${def.id.replace(/[^a-z0-9_-]/gi, '_')}`, 'data-points': '0' }, h('h3', {}, def.title));
    this.container.append(el);
    const opts: uPlot.Options = {
      width: Math.max(260, el.clientWidth - 20), height: 210,
      scales: { x: { time: false }, y: def.range ? { range: def.range } : { auto: true } },
      axes: [{ label: 'step', size: 36, labelSize: 16, stroke: '#687086' }, { size: 52, stroke: '#687086' }],
      cursor: { drag: { x: false, y: false } },
      series: [
        { label: 'step' },
        ...def.keys.map((k, i) => ({
          label: k, stroke: COLORS[i % COLORS.length], width: 1.5, spanGaps: def.sparse,
          points: { show: def.sparse, size: 5 },
        })),
      ],
      hooks: {
        draw: [(u: uPlot) => this.drawMarker(u)],
        setCursor: [(u: uPlot) => {
          const n = u.data[0].length;
          if ((u.cursor.idx === null || u.cursor.idx === undefined) && n) u.setLegend({ idx: n - 1 });
        }],
      },
    };
    const plot = new uPlot(opts, this.dataFor(def), el);
    plot.over.addEventListener('click', () => {
      const i = plot.cursor.idx;
      const x = i === null || i === undefined ? undefined : plot.data[0][i];
      if (x !== undefined) this.onPick(x);
    });
    this.charts.set(def.id, { def, el, plot });
  }

  private drawMarker(u: uPlot): void {
    if (this.marker === null) return;
    const x = Math.round(u.valToPos(this.marker, 'x', true));
    if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) return;
    const ctx = u.ctx;
    ctx.save();
    ctx.strokeStyle = 'rgba(29, 35, 48, 0.35)';
    ctx.setLineDash([4, 4]);
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.moveTo(x, u.bbox.top);
    ctx.lineTo(x, u.bbox.top + u.bbox.height);
    ctx.stroke();
    ctx.restore();
  }

  private dataFor(def: ChartDef): uPlot.AlignedData {
    const ys = def.keys.map((k) => this.cols.get(k) ?? new Array<number | null>(this.steps.length).fill(null));
    if (!def.sparse) return [this.steps, ...ys.map((y) => (def.smooth ? smoothed(y, this.alpha) : y))];
    // A sparse figure: only the steps where it was logged.
    const idx = this.steps.flatMap((_, i) => (ys.some((y) => y[i] !== null) ? [i] : []));
    return [idx.map((i) => this.steps[i]!), ...ys.map((y) => idx.map((i) => y[i] ?? null))];
  }

  private redraw(): void {
    for (const c of this.charts.values()) {
      const data = this.dataFor(c.def);
      c.plot.setData(data);
      c.el.dataset.points = String(data[0].length);
      // Away from the cursor, the legend shows the latest figures.
      if (data[0].length && !(c.plot.cursor.left! >= 0)) c.plot.setLegend({ idx: data[0].length - 1 });
    }
  }

  private fit(): void {
    for (const c of this.charts.values()) {
      const w = Math.max(260, c.el.clientWidth - 20);
      if (Math.abs(c.plot.width - w) > 2) c.plot.setSize({ width: w, height: 210 });
    }
  }
}
