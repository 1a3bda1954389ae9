// The server's API as the pages use it: typed JSON fetches and typed server-sent event streams.
import type { RunEvents, RunsListEvents, RunSummary } from '../../../src/server/api-types';

export type { GeneratorRef, MetricsPoint, RunEvents, RunSnapshot, RunState, RunSummary, SampleRef } from '../../../src/server/api-types';

export type Handlers<E> = { [K in keyof E]?: (data: E[K]) => void };
export type StreamState = 'connecting' | 'live' | 'reconnecting';

/** Opens an event stream; each named event's JSON goes to its handler. Returns the close function. */
export function listen<E>(url: string, handlers: Handlers<E>, onState?: (s: StreamState) => void): () => void {
  const es = new EventSource(url);
  onState?.('connecting');
  for (const name of Object.keys(handlers) as (keyof E & string)[]) {
    const fn = handlers[name]!;
    es.addEventListener(name, (ev) => fn(JSON.parse((ev as MessageEvent<string>).data) as E[typeof name]));
  }
  es.onopen = () => onState?.('live');
  es.onerror = () => onState?.('reconnecting'); // EventSource reconnects by itself; the server then sends a new snapshot
  return () => es.close();
}

const runPath = (name: string) => `/api/runs/${encodeURIComponent(name)}`;

export const listenRuns = (h: Handlers<RunsListEvents>, onState?: (s: StreamState) => void) => listen('/api/events', h, onState);
export const listenRun = (name: string, h: Handlers<RunEvents>, onState?: (s: StreamState) => void) => listen(`${runPath(name)}/events`, h, onState);

async function getJson<T>(url: string): Promise<T> {
  const r = await fetch(url);
  if (!r.ok) {
    const body = (await r.json().catch(() => null)) as { error?: string } | null;
    throw new Error(body?.error ?? `${r.status} ${r.statusText}`);
  }
  return (await r.json()) as T;
}

export const fetchRuns = () => getJson<RunSummary[]>('/api/runs');

export function dashboardUrl(run: string): string {
  return `/?run=${encodeURIComponent(run)}`;
}

export function explorerUrl(run: string): string {
  return `/explorer?run=${encodeURIComponent(run)}`;
}
