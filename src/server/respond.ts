// Writing answers: JSON bodies, errors (JSON for the API, text elsewhere) and the security headers every
// answer carries.
import type { ServerResponse } from 'node:http';
import type { ApiError } from './api-types.js';
import { HttpError } from './http-error.js';

/** The pages load only their own scripts, styles, images and model files, plus WebAssembly for TF.js's wasm backend. */
export const PAGE_CSP = [
  "default-src 'self'", "script-src 'self' 'wasm-unsafe-eval'", "style-src 'self' 'unsafe-inline'",
  "img-src 'self' blob: data:", "connect-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'",
  "form-action 'none'",
].join('; ');

export function securityHeaders(res: ServerResponse): void {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
}

export function sendJson(res: ServerResponse, status: number, body: unknown, head = false): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
  });
  res.end(head ? undefined : text);
}

/** Answers with the error's status (500 for anything not an HttpError, without internals). */
export function sendError(res: ServerResponse, err: unknown, asJson: boolean): void {
  const status = err instanceof HttpError ? err.status : 500;
  const message = err instanceof HttpError ? err.message : 'internal error';
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (status === 405) res.setHeader('Allow', 'GET, HEAD');
  if (asJson) {
    sendJson(res, status, { error: message } satisfies ApiError);
    return;
  }
  const text = `${status} ${message}\n`;
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store' });
  res.end(text);
}
