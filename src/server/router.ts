// Maps requests to answers:
//   GET /                         the dashboard page (?run=NAME)      GET /explorer?run=NAME  the latent explorer
//   GET /assets/...               the pages' scripts and styles (web/dist/assets)
//   GET /api/runs                 the runs, as RunSummary[]           GET /api/events         the same, pushed (SSE)
//   GET /api/runs/NAME            a RunSnapshot                       GET /api/runs/NAME/events  snapshot + changes (SSE)
//   GET /api/runs/NAME/metrics?from=STEP   metrics lines after STEP
//   GET /runs/NAME/...            the files of a run (samples/*.png, generator/model.json + weights.bin ...)
// Only GET and HEAD; every failure is a 4xx (or a 500 without internals), never a crash.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { RunEvents, RunsListEvents } from './api-types.js';
import { EventStream } from './event-stream.js';
import { hostHeaderIsLoopback } from './host-check.js';
import { HttpError, notFound } from './http-error.js';
import type { Listener } from './polling-feed.js';
import { allowOnly, intParam } from './query-params.js';
import { parseTarget, type RequestTarget } from './request-target.js';
import { PAGE_CSP, securityHeaders, sendError, sendJson } from './respond.js';
import { RunFeed, type RunFeedOptions } from './run-feed.js';
import { runDir } from './runs-folder.js';
import { RunsListFeed } from './runs-list-feed.js';
import { resolveFileInside } from './safe-path.js';
import { sendFile } from './static-files.js';
import { PAGES, webBuilt } from './web-assets.js';

export interface RouterOptions {
  runsDir: string;
  webDir: string;
  /** Refuse requests whose Host header is not loopback (set when the server is bound to loopback). */
  loopbackOnly: boolean;
  feed?: RunFeedOptions;
  /** Milliseconds between polls of the runs list (default 1000). */
  listIntervalMs?: number;
  /** Where unexpected errors are reported (one line each). */
  log?: (line: string) => void;
}

export interface Router {
  handle(req: IncomingMessage, res: ServerResponse): void;
  /** Ends every event stream and stops polling. */
  close(): void;
}

export function createRouter(opts: RouterOptions): Router {
  const feeds = new Map<string, RunFeed>();
  const listFeed = new RunsListFeed(opts.runsDir, opts.listIntervalMs ?? 1000);
  const streams = new Set<EventStream>();

  async function feedFor(name: string): Promise<RunFeed> {
    const dir = await runDir(opts.runsDir, name);
    if (!dir) throw notFound(`no run '${name}' in the runs folder`);
    let feed = feeds.get(name);
    if (!feed) {
      feed = new RunFeed(name, dir, opts.feed);
      feeds.set(name, feed);
    }
    return feed;
  }

  /** Reads from the run's feed, loaded for the occasion unless an event stream keeps it current. */
  async function withFeed<T>(name: string, read: (feed: RunFeed) => T): Promise<T> {
    const feed = await feedFor(name);
    const off = await feed.subscribe(() => undefined);
    try {
      return read(feed);
    } finally {
      off();
      if (feed.listenerCount === 0 && feeds.get(name) === feed) feeds.delete(name);
    }
  }

  function openStream<E>(req: IncomingMessage, res: ServerResponse, subscribe: (l: Listener<E>) => Promise<() => void>, onEmpty: () => void): void {
    const stream = new EventStream(req, res);
    streams.add(stream);
    const listener = ((event: string, data: unknown) => stream.send(event, data)) as Listener<E>;
    subscribe(listener).then((off) => {
      stream.whenClosed(() => {
        off();
        onEmpty();
      });
    }, () => stream.close());
    stream.whenClosed(() => streams.delete(stream));
  }

  async function page(req: IncomingMessage, res: ServerResponse, t: RequestTarget, key: string): Promise<void> {
    const p = PAGES[key]!;
    allowOnly(t.query, p.params);
    if (!webBuilt(opts.webDir)) throw new HttpError(503, 'the web pages are not built: run `npm run build` in the dcgan package');
    await sendFile(req, res, join(opts.webDir, p.file), { headers: { 'Content-Security-Policy': PAGE_CSP } });
  }

  async function api(req: IncomingMessage, res: ServerResponse, t: RequestTarget): Promise<void> {
    const [, a, name, sub, ...rest] = t.segments;
    const head = req.method === 'HEAD';
    if (a === 'runs' && name === undefined) {
      allowOnly(t.query, []);
      const off = await listFeed.subscribe(() => undefined);
      const runs = listFeed.current;
      off();
      sendJson(res, 200, runs, head);
      return;
    }
    if (a === 'events' && name === undefined) {
      allowOnly(t.query, []);
      openStream<RunsListEvents>(req, res, (l) => listFeed.subscribe(l), () => undefined);
      return;
    }
    if (a !== 'runs' || name === undefined || rest.length) throw notFound('no such API path');
    if (sub === undefined) {
      allowOnly(t.query, []);
      sendJson(res, 200, await withFeed(name, (f) => f.snapshot()), head);
      return;
    }
    if (sub === 'metrics') {
      allowOnly(t.query, ['from']);
      const from = intParam(t.query, 'from', { min: 0, max: Number.MAX_SAFE_INTEGER, fallback: 0 });
      sendJson(res, 200, await withFeed(name, (f) => f.metricsAfter(from)), head);
      return;
    }
    if (sub === 'events') {
      allowOnly(t.query, []);
      const feed = await feedFor(name);
      openStream<RunEvents>(req, res, (l) => feed.subscribe(l), () => {
        if (feed.listenerCount === 0 && feeds.get(name) === feed) feeds.delete(name);
      });
      return;
    }
    throw notFound('no such API path');
  }

  async function runFile(req: IncomingMessage, res: ServerResponse, t: RequestTarget): Promise<void> {
    const [, name, ...path] = t.segments;
    if (name === undefined || path.length === 0) throw notFound();
    if (!(await runDir(opts.runsDir, name))) throw notFound(`no run '${name}' in the runs folder`);
    const file = await resolveFileInside(opts.runsDir, [name, ...path]);
    await sendFile(req, res, file, { cache: 'revalidate' });
  }

  async function route(req: IncomingMessage, res: ServerResponse, t: RequestTarget): Promise<void> {
    const first = t.segments[0] ?? '';
    if (t.segments.length <= 1 && first in PAGES) return page(req, res, t, first);
    if (first === 'api') return api(req, res, t);
    if (first === 'runs') return runFile(req, res, t);
    if (first === 'assets' || (t.segments.length === 1 && /^favicon\.(svg|ico)$/.test(first))) {
      const file = await resolveFileInside(opts.webDir, t.segments);
      await sendFile(req, res, file, { cache: first === 'assets' ? 'immutable' : 'revalidate' });
      return;
    }
    throw notFound();
  }

  return {
    handle(req, res) {
      securityHeaders(res);
      let asJson = false;
      const run = async () => {
        if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, `method ${req.method ?? '?'} not allowed: this server only reads`);
        if (opts.loopbackOnly && !hostHeaderIsLoopback(req.headers.host)) {
          throw new HttpError(403, 'the Host header must name this machine (localhost / 127.0.0.1)');
        }
        const t = parseTarget(req.url);
        asJson = t.segments[0] === 'api';
        await route(req, res, t);
      };
      run().catch((err: unknown) => {
        if (!(err instanceof HttpError)) opts.log?.(`dcgan serve: ${req.method} ${req.url?.slice(0, 200)}: ${(err as Error)?.message ?? String(err)}`);
        try {
          sendError(res, err, asJson || (req.url ?? '').startsWith('/api/'));
        } catch {
          res.destroy();
        }
      });
    },
    close() {
      for (const s of [...streams]) s.close();
      for (const f of feeds.values()) f.stop();
      feeds.clear();
      listFeed.stop();
    },
  };
}
