// The latent explorer page: picks a TF.js backend, loads the run's exported generator with stock
// tf.loadLayersModel, and wires the sample view, the exemplars, the interpolation and the arithmetic.
// The run's event stream says when training exports a newer generator.
import '../shared/base.css';
import './explorer.css';
import { dashboardUrl, explorerUrl, fetchRuns, listenRun, type GeneratorRef } from '../shared/api';
import { $, h, param } from '../shared/format';
import { Arithmetic } from './arithmetic';
import { chooseBackend } from './backend';
import type { Explorer } from './context';
import { Gallery, type Exemplar } from './gallery';
import { BrowserGenerator } from './generator';
import { Interpolation } from './interpolation';
import { SampleView } from './sample-view';

function fail(e: unknown): void {
  const box = $('explorer-error');
  box.hidden = false;
  box.textContent = e instanceof Error ? e.message : String(e);
  console.error(e);
}

interface Parts {
  view: SampleView;
  gallery: Gallery;
  interp: Interpolation;
  arith: Arithmetic;
}

let parts: Parts | null = null;
let latest: GeneratorRef | null = null;
let loadedVersion: string | null = null;

function describe(gen: BrowserGenerator): void {
  const m = gen.meta;
  $('st-model').textContent = `step ${m.step} · ${m.preset}`;
  $('st-z').textContent = `${m.nz}-d ${m.latent}${m.classes ? ` + ${m.classes} classes` : ''}`;
  $('st-size').textContent = `${m.image.height}×${m.image.width}×${m.image.channels}`;
  const select = $<HTMLSelectElement>('class-select');
  $('class-label').hidden = m.classes === 0;
  select.replaceChildren(...Array.from({ length: m.classes }, (_, i) => h('option', { value: String(i) }, m.classNames?.[i] ?? String(i))));
}

function build(x: Explorer, seed: number): Parts {
  const marks = (e: Exemplar): string[] => {
    const out: string[] = [];
    const k = p.interp.picks.indexOf(e);
    if (k >= 0) out.push(String(k + 1));
    for (const g of ['A', 'B', 'C'] as const) if (p.arith.groups[g].includes(e)) out.push(g);
    return out;
  };
  const view = new SampleView(x, seed);
  const gallery = new Gallery(x, (mode, e) => {
    if (mode === 'show') view.show(e.z, e.label);
    else if (mode === 'interp') p.interp.toggle(e);
    else p.arith.toggle(mode, e);
  }, marks);
  const interp = new Interpolation(x, () => gallery.refresh());
  const arith = new Arithmetic(x, () => gallery.refresh(), (z, label) => view.show(z, label));
  const p: Parts = { view, gallery, interp, arith };
  $<HTMLSelectElement>('class-select').addEventListener('change', () => {
    view.render();
    interp.stop();
    void gallery.render().catch(fail);
  });
  return p;
}

async function load(run: string, ref: GeneratorRef, x: { current: Explorer | null }): Promise<void> {
  $('reload-model').hidden = true;
  const gen = await BrowserGenerator.load(`${ref.url}?v=${encodeURIComponent(ref.version)}`, (f) => {
    $('st-model').textContent = `loading… ${Math.round(f * 100)}%`;
  });
  loadedVersion = ref.version;
  const old = x.current?.gen;
  describe(gen);
  if (!x.current) {
    const timing = $('gen-time');
    x.current = {
      run, gen,
      cls: () => (gen.meta.classes > 0 ? Number($<HTMLSelectElement>('class-select').value) || 0 : null),
      generate: async (zs, what) => {
        const r = await x.current!.gen.generate(zs, x.current!.cls());
        timing.textContent = `${what} in ${r.ms.toFixed(1)} ms`;
        timing.dataset.ms = r.ms.toFixed(2);
        return r;
      },
      fail,
    };
    $('explorer-body').hidden = false;
    const seed = Number(param('seed') ?? 0);
    parts = build(x.current, Number.isInteger(seed) && seed >= 0 ? seed : 0);
  } else {
    x.current.gen = gen;
  }
  old?.dispose();
  parts!.view.render();
  await parts!.gallery.render();
  document.body.dataset.ready = 'true';
}

async function main(): Promise<void> {
  const runs = await fetchRuns();
  const wanted = param('run');
  const run = wanted ?? runs.find((r) => r.generatorStep !== null)?.name ?? runs[0]?.name ?? null;
  const select = $<HTMLSelectElement>('run-select');
  select.replaceChildren(...runs.map((r) => {
    const o = h('option', { value: r.name }, r.generatorStep === null ? `${r.name} (no generator yet)` : r.name);
    o.selected = r.name === run;
    return o;
  }));
  select.addEventListener('change', () => { location.href = explorerUrl(select.value); });
  if (!run) throw new Error('There are no runs in the served folder yet: start one with `dcgan train --serve`.');
  if (!runs.some((r) => r.name === run)) throw new Error(`There is no run '${run}' in the served folder.`);
  if (!wanted) history.replaceState(null, '', explorerUrl(run));
  document.title = `${run} · dcgan explorer`;
  $<HTMLAnchorElement>('nav-dashboard').href = dashboardUrl(run);

  const backend = await chooseBackend(param('backend'));
  $('backend').textContent = backend;
  document.body.dataset.backend = backend;

  const x: { current: Explorer | null } = { current: null };
  let loading: Promise<void> | null = null;
  const reload = $<HTMLButtonElement>('reload-model');
  reload.addEventListener('click', () => {
    if (latest) loading ??= load(run, latest, x).catch(fail).finally(() => { loading = null; });
  });
  const offer = (g: GeneratorRef) => {
    latest = g;
    if (g.version === loadedVersion) return;
    if (!x.current && !loading) {
      loading = load(run, g, x).catch(fail).finally(() => { loading = null; });
      return;
    }
    reload.hidden = false;
    reload.textContent = `Load the newer generator (step ${g.step})`;
  };
  listenRun(run, {
    snapshot: (snap) => {
      if (snap.generator) offer(snap.generator);
      else if (!x.current) {
        const every = typeof snap.config?.checkpointEvery === 'number' ? ` (every ${snap.config.checkpointEvery} steps)` : '';
        $('st-model').textContent = `none yet: it is exported at each checkpoint${every}; this page loads it when it appears`;
      }
    },
    generator: offer,
  });
}

main().catch(fail);
