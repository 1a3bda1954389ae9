// A dataset's content fingerprint for cache keys: its shape, count and the bytes of up to 1,024 evenly spaced
// images (and their labels), so the same pixels get the same key however the dataset was asked for.
import { createHash } from 'node:crypto';
import type { ImageDataset } from '../data/index.js';

export function datasetFingerprint(ds: ImageDataset, samples = 1024): string {
  const h = createHash('sha256').update(JSON.stringify([ds.count, ds.height, ds.width, ds.channels, ds.classNames ?? null]));
  const m = Math.min(samples, ds.count);
  for (let k = 0; k < m; k++) {
    const i = Math.floor((k * ds.count) / m);
    h.update(ds.image(i));
    if (ds.labels) h.update(String(ds.labels[i]));
  }
  return h.digest('hex');
}
