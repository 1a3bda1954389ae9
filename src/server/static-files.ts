// Sends one file: Content-Type by extension, a validator (ETag from size and mtime) answered with 304, HEAD
// without a body, and the body streamed.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { notFound } from './http-error.js';
import { contentType } from './mime.js';

export interface SendFileOptions {
  /** 'immutable' for hashed assets and sample grids, which never change under their name; else revalidate. */
  cache?: 'immutable' | 'revalidate';
  /** Extra headers (a page's Content-Security-Policy). */
  headers?: Record<string, string>;
}

export async function sendFile(req: IncomingMessage, res: ServerResponse, path: string, opts: SendFileOptions = {}): Promise<void> {
  const st = await stat(path).catch(() => null);
  if (!st?.isFile()) throw notFound();
  const etag = `W/"${st.size.toString(36)}-${Math.floor(st.mtimeMs).toString(36)}"`;
  const headers: Record<string, string | number> = {
    'Content-Type': contentType(path),
    'Cache-Control': opts.cache === 'immutable' ? 'public, max-age=31536000, immutable' : 'no-cache',
    ETag: etag,
    'Last-Modified': st.mtime.toUTCString(),
    ...opts.headers,
  };
  if (req.headers['if-none-match'] === etag) {
    res.writeHead(304, headers);
    res.end();
    return;
  }
  headers['Content-Length'] = st.size;
  if (req.method === 'HEAD') {
    res.writeHead(200, headers);
    res.end();
    return;
  }
  await new Promise<void>((resolvePromise) => {
    const stream = createReadStream(path);
    stream.once('open', () => {
      res.writeHead(200, headers);
      stream.pipe(res);
    });
    stream.once('error', () => {
      // Gone between stat and open, or unreadable: a 404 if nothing was sent yet, else cut the answer.
      if (!res.headersSent) {
        const text = '404 not found\n';
        res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
        res.end(text);
      } else {
        res.destroy();
      }
      resolvePromise();
    });
    stream.once('close', () => resolvePromise());
    res.once('close', () => stream.destroy());
  });
}
