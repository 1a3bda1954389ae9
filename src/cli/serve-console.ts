// What the serving commands say and wait for: warnings about the pages and the address, and the next signal.
import { isLoopback } from '../server/host-check.js';
import type { RunningServer } from '../server/server.js';
import { webBuilt } from '../server/web-assets.js';

export function announce(server: RunningServer, host: string): void {
  if (!webBuilt(server.webDir)) console.error(`warning: the web pages are not built (no ${server.webDir}); run \`npm run build\` in the dcgan package`);
  if (!isLoopback(host)) console.error(`warning: listening on ${host}: anyone who can reach this machine can read every file of ${server.runsDir}`);
}

/** Resolves on the first SIGINT or SIGTERM. */
export function nextSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolvePromise) => {
    const on = (s: NodeJS.Signals) => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      resolvePromise(s);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}
