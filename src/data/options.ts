// LoadOptions checked and defaulted: sizes and colours parsed from flag text, the cache folder and memory limit.
import { constants as bufferConstants } from 'node:buffer';
import { homedir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { UserError } from '../util/errors.js';
import { MAX_SIDE } from '../util/values.js';
import type { LoadOptions } from './types.js';

export const DEFAULT_BACKGROUND: [number, number, number] = [255, 255, 255];
export const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';
export { parseSize, parseBackground } from '../util/values.js';

/** Checks the values of a LoadOptions given from code; a bad one is a UserError naming the option. */
export function checkLoadOptions(o: LoadOptions): void {
  const bad = (key: string, what: string, value: unknown) => new UserError(`load option '${key}' must be ${what}, got ${JSON.stringify(value)}`);
  if (o.size !== undefined && !(Array.isArray(o.size) && o.size.length === 2 && o.size.every((d) => Number.isInteger(d) && d >= 1 && d <= MAX_SIDE))) {
    throw bad('size', `[height, width] of integers 1..${MAX_SIDE}`, o.size);
  }
  if (o.channels !== undefined && o.channels !== 1 && o.channels !== 3) throw bad('channels', '1 or 3', o.channels);
  if (o.background !== undefined && !(Array.isArray(o.background) && o.background.length === 3 && o.background.every((v) => Number.isInteger(v) && v >= 0 && v <= 255))) {
    throw bad('background', '[r, g, b] of integers 0..255', o.background);
  }
  if (o.split !== undefined && o.split !== 'train' && o.split !== 'test') throw bad('split', "'train' or 'test'", o.split);
  if (o.count !== undefined && !(Number.isInteger(o.count) && o.count >= 1)) throw bad('count', 'a positive integer', o.count);
  if (o.seed !== undefined && !Number.isInteger(o.seed)) throw bad('seed', 'an integer', o.seed);
  if (o.memoryLimit !== undefined && !(o.memoryLimit >= 0)) throw bad('memoryLimit', 'a number of bytes >= 0', o.memoryLimit);
}

/** The cache folder: the option, else $DCGAN_CACHE_DIR, else $XDG_CACHE_HOME/dcgan, else ~/.cache/dcgan. */
export function cacheDirOf(o: LoadOptions): string {
  if (o.cacheDir) return resolve(o.cacheDir);
  const env = process.env;
  if (env.DCGAN_CACHE_DIR) return resolve(env.DCGAN_CACHE_DIR);
  if (env.XDG_CACHE_HOME) return join(resolve(env.XDG_CACHE_HOME), 'dcgan');
  return join(homedir(), '.cache', 'dcgan');
}

/** Bytes of pixels kept in memory: the option, else $DCGAN_DATA_MEMORY_MB, else a quarter of RAM (at most a Buffer's limit). */
export function memoryLimitOf(o: LoadOptions): number {
  if (o.memoryLimit !== undefined) return o.memoryLimit;
  const mb = Number(process.env.DCGAN_DATA_MEMORY_MB);
  const limit = Number.isFinite(mb) && mb >= 0 && process.env.DCGAN_DATA_MEMORY_MB ? mb * 2 ** 20 : totalmem() / 4;
  return Math.min(limit, bufferConstants.MAX_LENGTH);
}
