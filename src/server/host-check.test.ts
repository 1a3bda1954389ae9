// Unit tests of the loopback and Host-header checks (the DNS-rebinding guard).
import { describe, expect, it } from 'vitest';
import { hostHeaderIsLoopback, hostName, isLoopback } from './host-check.js';

describe('host checks', () => {
  it('knows loopback addresses', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]', 'app.localhost']) expect(isLoopback(h), h).toBe(true);
    for (const h of ['0.0.0.0', '::', '192.168.1.5', 'example.com', '10.0.0.1']) expect(isLoopback(h), h).toBe(false);
  });

  it('reads Host headers and accepts only loopback names', () => {
    expect(hostName('127.0.0.1:8000')).toBe('127.0.0.1');
    expect(hostName('[::1]:80')).toBe('::1');
    expect(hostName('bad host')).toBeNull();
    expect(hostHeaderIsLoopback('localhost:8000')).toBe(true);
    expect(hostHeaderIsLoopback('evil.example:8000')).toBe(false);
    expect(hostHeaderIsLoopback('127.0.0.1.evil.example')).toBe(false);
    expect(hostHeaderIsLoopback(undefined)).toBe(false);
  });
});
