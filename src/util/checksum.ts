// Checksums of the files a run writes (weights, checkpoints), as 'sha256:<hex>' strings, checked on every load
// so that a file damaged in place is found rather than loaded.
import { createHash } from 'node:crypto';

/** 'sha256:<64 hex digits>' of `data`. */
export function checksum(data: Uint8Array): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/** Whether `value` looks like a checksum this module writes. */
export function isChecksum(value: unknown): value is string {
  return typeof value === 'string' && /^sha256:[0-9a-f]{64}$/.test(value);
}
