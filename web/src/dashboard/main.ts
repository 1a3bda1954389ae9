// The dashboard page: the runs list (pushed by the server), and for the selected run its head, live curves
// and the scrubbable fixed-noise grid, all kept current by the run's event stream.
import '../shared/base.css';
import './dashboard.css';
import { dashboardUrl, explorerUrl, listenRun, listenRuns, type MetricsPoint, type RunSummary, type StreamState } from '../shared/api';
import { $, param } from '../shared/format';
import { GridScrubber } from './grid-scrubber';
import { MetricsCharts } from './metrics-charts';
import { renderHeader } from './run-header';
import { RunsList } from './runs-list';

let current: string | null = null;
let closeRun: (() => void) | null = null;
let summary: RunSummary | null = null;
let last: MetricsPoint | undefined;
const streams: Record<'list' | 'run', StreamState> = { list: 'connecting', run: 'connecting' };

function showLive(): void {
  const el = $('live');
  const states = current ? [streams.list, streams.run] : [streams.list];
  const state = states.includes('reconnecting') ? 'reconnecting' : states.every((s) => s === 'live') ? 'live' : 'connecting';
  el.dataset.state = state;
  el.textContent = state === 'live' ? 'live' : state === 'reconnecting' ? 'reconnecting…' : 'connecting…';
}

const charts = new MetricsCharts($('charts'), (step) => grid.showStep(step));
const grid = new GridScrubber($<HTMLImageElement>('grid-img'), $('grid-empty'), $<HTMLInputElement>('scrub'), $('grid-step'),
  $<HTMLInputElement>('follow'), (step) => charts.setMarker(step));
const list = new RunsList($('run-list'), $('runs-empty'), (name) => open(name, true));

$<HTMLSelectElement>('smoothing').addEventListener('change', (e) => charts.setSmoothing(Number((e.target as HTMLSelectElement).value)));

function header(): void {
  if (summary) renderHeader(summary, last);
}

function open(name: string, push: boolean): void {
  if (name === current) return;
  closeRun?.();
  current = name;
  summary = null;
  last = undefined;
  list.select(name);
  if (push) history.pushState(null, '', dashboardUrl(name));
  document.title = `${name} · dcgan dashboard`;
  $<HTMLAnchorElement>('nav-explorer').href = explorerUrl(name);
  $('run').hidden = false;
  closeRun = listenRun(name, {
    snapshot: (snap) => {
      summary = snap.summary;
      last = snap.metrics.at(-1);
      charts.reset(snap.metrics);
      grid.reset(snap.samples);
      $('config').textContent = JSON.stringify(snap.config, null, 2);
      list.update(snap.summary);
      header();
    },
    metrics: (points) => {
      last = points.at(-1) ?? last;
      charts.append(points);
      header();
    },
    summary: (s) => {
      summary = s;
      list.update(s);
      header();
    },
    sample: (s) => grid.add(s),
    generator: (g) => {
      if (summary) summary = { ...summary, generatorStep: g.step };
      header();
    },
  }, (s) => {
    streams.run = s;
    showLive();
  });
}

listenRuns({
  runs: (runs) => {
    list.set(runs);
    const wanted = param('run');
    if (!current) {
      const name = wanted && list.names.includes(wanted) ? wanted : list.preferred;
      if (name) open(name, false);
    }
  },
}, (s) => {
  streams.list = s;
  showLive();
});

window.addEventListener('popstate', () => {
  const name = param('run');
  if (name) open(name, false);
});

// "updated 5s ago" ages without events.
setInterval(header, 5000);
