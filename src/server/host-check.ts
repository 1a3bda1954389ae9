// Which addresses count as this machine only, and a DNS-rebinding guard: a server bound to loopback answers
// only requests whose Host header names loopback, so a web page elsewhere that points its own host name at
// 127.0.0.1 cannot read the runs through the visitor's browser.
import { isIP } from 'node:net';

/** Whether binding to `host` keeps the server on this machine. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  return h === '::1' || h === '::ffff:127.0.0.1';
}

/** The host name of a Host header ('127.0.0.1:8000' -> '127.0.0.1', '[::1]:80' -> '::1'), or null when malformed. */
export function hostName(header: string | undefined): string | null {
  if (!header) return null;
  const m = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(?::\d{1,5})?$/.exec(header.trim());
  return m ? m[1]!.replace(/^\[|\]$/g, '') : null;
}

export function hostHeaderIsLoopback(header: string | undefined): boolean {
  const name = hostName(header);
  return name !== null && isLoopback(name);
}
