// Per-channel pixel statistics of a dataset (mean, standard deviation, min, max on the 0..255 scale), over all
// images or an evenly spaced sample of them: what `dcgan data inspect` reports.
import type { ImageDataset } from './types.js';

export interface ChannelStats {
  mean: number;
  std: number;
  min: number;
  max: number;
}

export interface PixelStats {
  /** How many images the figures are over. */
  images: number;
  /** One per channel (R, G, B or gray). */
  channels: ChannelStats[];
}

/** Statistics over at most maxImages images, evenly spaced through the dataset. */
export async function pixelStats(ds: ImageDataset, maxImages = 10_000): Promise<PixelStats> {
  const n = Math.min(ds.count, maxImages);
  const picks = Uint32Array.from({ length: n }, (_, k) => Math.floor((k * ds.count) / n));
  const c = ds.channels;
  const hist = Array.from({ length: c }, () => new Float64Array(256));
  for (let start = 0; start < n; start += 512) {
    const px = await ds.read(picks.subarray(start, Math.min(n, start + 512)));
    for (let k = 0; k < c; k++) {
      const h = hist[k]!;
      for (let i = k; i < px.length; i += c) h[px[i]!]!++;
    }
  }
  return {
    images: n,
    channels: hist.map((h) => {
      let total = 0, sum = 0, sq = 0, min = 255, max = 0;
      h.forEach((count, v) => {
        if (!count) return;
        total += count;
        sum += count * v;
        sq += count * v * v;
        min = Math.min(min, v);
        max = Math.max(max, v);
      });
      const mean = sum / total;
      return { mean, std: Math.sqrt(Math.max(0, sq / total - mean * mean)), min, max };
    }),
  };
}
