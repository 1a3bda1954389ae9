// The runs folder: which of its sub-folders are runs (they hold config.json or progress.json, and are inside
// it after every symbolic link), and the list of their summaries, newest first.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { RUN_FILES } from '../run/layout.js';
import type { RunSummary } from './api-types.js';
import { isRunName, readRunFiles, summarize } from './run-files.js';
import { realPathInside } from './safe-path.js';

/** The folder of run `name` under `runsDir`, or null when there is no such run. */
export async function runDir(runsDir: string, name: string): Promise<string | null> {
  if (!isRunName(name)) return null;
  const dir = join(runsDir, name);
  if (!(await realPathInside(runsDir, dir))) return null;
  const marks = await Promise.all([RUN_FILES.config, RUN_FILES.progress].map((f) => stat(join(dir, f)).then((s) => s.isFile(), () => false)));
  return marks.some(Boolean) ? dir : null;
}

export async function listRuns(runsDir: string): Promise<RunSummary[]> {
  const entries = await readdir(runsDir, { withFileTypes: true }).catch(() => []);
  const names = entries.filter((e) => (e.isDirectory() || e.isSymbolicLink()) && isRunName(e.name)).map((e) => e.name);
  const runs = await Promise.all(names.map(async (name) => {
    const dir = await runDir(runsDir, name);
    return dir ? summarize(name, await readRunFiles(dir, name)) : null;
  }));
  return runs.filter((r): r is RunSummary => r !== null)
    .sort((a, b) => (b.updatedAt ?? '').localeCompare(a.updatedAt ?? '') || a.name.localeCompare(b.name));
}
