// The head of a run's page: name, state, progress bar, step / epoch, speed, ETA, elapsed time.
import type { MetricsPoint, RunSummary } from '../shared/api';
import { explorerUrl } from '../shared/api';
import { $, STATE_LABEL, ago, duration, figure, h } from '../shared/format';

export function renderHeader(s: RunSummary, last: MetricsPoint | undefined): void {
  $('run-name').textContent = s.name;
  const status = $('run-status');
  status.textContent = STATE_LABEL[s.state];
  status.dataset.state = s.state;
  // progress.json is rewritten about once a second; the metrics lines arrive with every step.
  const step = Math.max(s.step, last?.step ?? 0);
  const pct = s.totalSteps > 0 ? Math.min(100, (100 * step) / s.totalSteps) : 0;
  $('progress-bar').style.width = `${pct}%`;
  const live = s.state === 'running' || s.state === 'starting';
  const stats: [string, string, string][] = [
    ['step', `${step} / ${s.totalSteps || '?'}`, 'stat-step'],
    ['epoch', `${s.epoch + 1} / ${s.epochs || '?'}`, 'stat-epoch'],
    ['img/s', live || s.imgPerSec ? figure(s.imgPerSec) : '–', 'stat-speed'],
    ['ETA', live ? duration(s.etaSeconds) : '–', 'stat-eta'],
    ['elapsed', duration(last?.seconds), 'stat-elapsed'],
    ['Loss_D / Loss_G', last ? `${figure(last.Loss_D)} / ${figure(last.Loss_G)}` : '–', 'stat-loss'],
    ['model', [s.preset, s.data, s.imageSize && `${s.imageSize[0]}×${s.imageSize[1]}`, s.conditional && 'conditional'].filter(Boolean).join(' · ') || '–', 'stat-model'],
    ['updated', ago(s.updatedAt) || '–', 'stat-updated'],
  ];
  const d = s.distributed;
  if (d) {
    stats.splice(3, 0, ['ranks', `${d.world} on ${d.hosts.join(', ')}`, 'stat-world'],
      ['img/s per rank', d.ranks.map((r) => `${r.rank}: ${figure(r.imgPerSec)}`).join(' · '), 'stat-rank-speed']);
  }
  $('run-stats').replaceChildren(...stats.map(([k, v, id]) => h('div', {}, h('dt', {}, k), h('dd', { id }, v))));
  const msg = $('run-message');
  msg.hidden = !s.message;
  msg.textContent = s.message ?? '';
  const link = $<HTMLAnchorElement>('explore-link');
  link.href = explorerUrl(s.name);
  link.textContent = s.generatorStep !== null ? `Open in the latent explorer (generator at step ${s.generatorStep}) →` : 'Latent explorer (no generator yet) →';
}
