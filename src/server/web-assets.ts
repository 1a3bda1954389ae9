// Where the built web pages are (web/dist, made by `npm run build`) and which page each path shows.
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** web/dist of this package: from dist/server/ (built) and from src/server/ (tests run from source) alike. */
export function defaultWebDir(): string {
  return join(__dirname, '..', '..', 'web', 'dist');
}

/** Page paths (first segment) -> their HTML file in web/dist, with the query parameters each page reads. */
export const PAGES: Record<string, { file: string; params: readonly string[] }> = {
  '': { file: 'index.html', params: ['run'] },
  explorer: { file: 'explorer.html', params: ['run', 'backend', 'seed'] },
};

export function webBuilt(webDir: string): boolean {
  return Object.values(PAGES).every((p) => existsSync(join(webDir, p.file)));
}
