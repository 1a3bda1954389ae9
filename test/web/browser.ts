// Shared by the browser tests: Debian's Chromium driven by playwright-core (which downloads no browser), the
// real CLI as a long-running process whose output lines can be awaited, and raw HTTP requests.
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { dcganAsync } from '../helpers.js';

export const CHROMIUM = process.env.DCGAN_CHROMIUM ?? '/usr/bin/chromium';

/**
 * A fresh headless Chromium profile. The flags keep it off the network (this machine's is closed) and out
 * of the sandbox, which needs user namespaces that containers lack.
 */
export async function launchChromium(): Promise<BrowserContext> {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install -y chromium (or set DCGAN_CHROMIUM)`);
  return chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'dcgan-chromium-')), {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1400, height: 1000 },
    acceptDownloads: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}

/** Page errors and console errors (CSP violations among them), collected for an assertion at the end. */
export function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  return errors;
}

export interface Cli {
  child: ChildProcess;
  output(): string;
  /** Resolves with the match once a line of stdout matches. */
  line(re: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  exited: Promise<number | null>;
  /** Ctrl-C, then SIGKILL if it has not ended within `graceMs`. */
  stop(graceMs?: number): Promise<number | null>;
}

export function cli(...args: string[]): Cli {
  const child = dcganAsync(...args);
  let out = '';
  child.stdout!.setEncoding('utf8');
  child.stderr!.setEncoding('utf8');
  child.stdout!.on('data', (d: string) => { out += d; });
  child.stderr!.on('data', (d: string) => { out += d; });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let done = false;
  void exited.then(() => { done = true; });
  return {
    child,
    output: () => out,
    exited,
    line(re, timeoutMs = 180_000) {
      return new Promise((resolve, reject) => {
        const t0 = Date.now();
        const check = () => {
          const m = out.replace(/\r/g, '\n').split('\n').map((l) => re.exec(l)).find(Boolean);
          if (m) return resolve(m);
          if (done) return reject(new Error(`dcgan ${args[0]} exited before printing ${re}:\n${out.slice(-3000)}`));
          if (Date.now() - t0 > timeoutMs) return reject(new Error(`no line matching ${re} within ${timeoutMs} ms:\n${out.slice(-3000)}`));
          setTimeout(check, 50);
        };
        check();
      });
    },
    async stop(graceMs = 60_000) {
      if (done) return exited;
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

export interface RawAnswer {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

/** A GET (or other method) with the path sent exactly as written: no URL normalisation on the way. */
export function rawRequest(base: string, path: string, opts: { method?: string; host?: string; headers?: Record<string, string> } = {}): Promise<RawAnswer> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: opts.host ?? u.hostname, port: u.port, path, method: opts.method ?? 'GET', headers: opts.headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode!, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** A canvas's pixels summed up in the page: a hash (to see a change) and the spread of the values (blank or not). */
export async function canvasPixels(page: Page, selector: string): Promise<{ hash: string; std: number; width: number }> {
  return page.$eval(selector, (el) => {
    const c = el as HTMLCanvasElement;
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let h = 2166136261, sum = 0, sq = 0, n = 0;
    for (let i = 0; i < d.length; i++) {
      h = Math.imul(h ^ d[i]!, 16777619) >>> 0;
      if (i % 4 !== 3) {
        sum += d[i]!;
        sq += d[i]! * d[i]!;
        n++;
      }
    }
    const mean = sum / Math.max(1, n);
    return { hash: h.toString(16), std: Math.sqrt(Math.max(0, sq / Math.max(1, n) - mean * mean)), width: c.width };
  });
}
