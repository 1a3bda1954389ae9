// The dashboard server: node:http over a runs folder, bound to 127.0.0.1 unless told otherwise.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { UserError } from '../util/errors.js';
import { isLoopback } from './host-check.js';
import { createRouter } from './router.js';
import type { RunFeedOptions } from './run-feed.js';
import { defaultWebDir } from './web-assets.js';

export interface ServeOptions {
  /** The folder whose sub-folders are runs (e.g. runs/). */
  runsDir: string;
  /** Address to bind (default 127.0.0.1: this machine only). */
  host?: string;
  /** Port (default 8000; 0 picks a free one). */
  port?: number;
  /** The built pages (default: this package's web/dist). */
  webDir?: string;
  /** How often a watched run is polled, in ms (default 250). */
  pollMs?: number;
  /** Where unexpected request errors are reported (default: stderr). */
  log?: (line: string) => void;
}

export interface RunningServer {
  /** e.g. http://127.0.0.1:8000 (no trailing slash) */
  url: string;
  host: string;
  port: number;
  runsDir: string;
  webDir: string;
  /** Ends the event streams and open connections, and stops listening. */
  close(): Promise<void>;
}

export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 8000;

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const onError = (e: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      if (e.code === 'EADDRINUSE') reject(new UserError(`port ${port} on ${host} is already in use: choose another port (0 picks a free one)`));
      else if (e.code === 'EACCES') reject(new UserError(`no permission to listen on port ${port}: use a port above 1023`));
      else if (e.code === 'EADDRNOTAVAIL' || e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN') reject(new UserError(`cannot listen on host '${host}': it is not an address of this machine`));
      else reject(e);
    };
    const onListening = () => {
      server.off('error', onError);
      resolvePromise();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

export async function startServer(opts: ServeOptions): Promise<RunningServer> {
  const host = opts.host ?? DEFAULT_HOST;
  const port = opts.port ?? DEFAULT_PORT;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UserError(`port must be an integer in 0..65535, got ${port}`);
  const runsDir = resolve(opts.runsDir);
  const webDir = resolve(opts.webDir ?? defaultWebDir());
  const feed: RunFeedOptions = { intervalMs: opts.pollMs };
  const log = opts.log ?? ((line: string) => console.error(line));
  const router = createRouter({ runsDir, webDir, loopbackOnly: isLoopback(host), feed, log });
  const server = createServer((req, res) => router.handle(req, res));
  server.on('clientError', (_err, socket) => {
    // A request node's parser could not read (bad request line, header overflow): answer 400, never throw.
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    else socket.destroy();
  });
  await listen(server, port, host);
  const addr = server.address() as AddressInfo;
  const shown = addr.family === 'IPv6' || addr.address.includes(':') ? `[${addr.address}]` : addr.address;
  return {
    url: `http://${shown}:${addr.port}`,
    host: addr.address,
    port: addr.port,
    runsDir,
    webDir,
    close: () => new Promise<void>((resolvePromise) => {
      router.close();
      server.close(() => resolvePromise());
      server.closeAllConnections();
    }),
  };
}
