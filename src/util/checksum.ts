// Checksums of the files a run writes (weights, checkpoints), as 'sha256:<hex>' strings, checked on every load
// so that a file damaged in place is found rather than loaded.
import { createHash } from 'node:crypto';

/** 'sha256:<64 hex digits>' of `data`. */
export function checksum(data: Uint8Array): string {
  return checksumOfParts([data]);
}

/**
 * The checksum of the bytes of `parts` back to back, taking each as it comes, so that a file larger than one
 * Buffer can hold (a checkpoint of keras-simpsons' 655M parameters is 7.9 GB) is summed piece by piece.
 */
export function checksumOfParts(parts: Iterable<Uint8Array>): string {
  const sum = runningChecksum();
  for (const part of parts) sum.add(part);
  return sum.value();
}

const HASH_CHUNK = 1 << 30;

/** A checksum taken as bytes go by (e.g. while a file is written): add() each part, then value(). */
export function runningChecksum(): { add(part: Uint8Array): void; value(): string } {
  const hash = createHash('sha256');
  // hash.update() takes less than 2 GiB at once (ERR_OUT_OF_RANGE); one weight of keras-simpsons is 2.6 GB.
  const add = (part: Uint8Array) => {
    for (let at = 0; at < part.byteLength; at += HASH_CHUNK) hash.update(part.subarray(at, at + HASH_CHUNK));
  };
  return { add, value: () => `sha256:${hash.digest('hex')}` };
}

/** Whether `value` looks like a checksum this module writes. */
export function isChecksum(value: unknown): value is string {
  return typeof value === 'string' && /^sha256:[0-9a-f]{64}$/.test(value);
}
