// Text on images (sample-sheet numbers, figure captions), drawn by sharp from SVG, and composition of
// labelled panels into one figure.
import sharp from 'sharp';
import type { RawImage } from './grid.js';

function escapeXml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

export interface Label {
  text: string;
  x: number;
  y: number;
  size?: number;
}

/** Draws labels (white text with a dark outline, readable on any image) onto an image; returns RGB. */
export async function annotate(img: RawImage, labels: Label[]): Promise<RawImage> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${img.width}" height="${img.height}">${labels.map((l) =>
    `<text x="${l.x}" y="${l.y}" font-family="DejaVu Sans, Arial, sans-serif" font-size="${l.size ?? 10}" font-weight="bold" fill="white" stroke="black" stroke-width="2" paint-order="stroke">${escapeXml(l.text)}</text>`).join('')}</svg>`;
  const { data, info } = await sharp(Buffer.from(img.data.buffer, img.data.byteOffset, img.data.byteLength), {
    raw: { width: img.width, height: img.height, channels: img.channels },
  })
    .toColourspace('srgb')
    .composite([{ input: Buffer.from(svg), top: 0, left: 0 }])
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height, channels: info.channels as 1 | 3 };
}

/** Scales an image up by an integer factor (nearest neighbour: pixels stay crisp). */
export function upscale(img: RawImage, factor: number): RawImage {
  if (factor <= 1) return img;
  const w = img.width * factor, h = img.height * factor, c = img.channels;
  const data = new Uint8Array(w * h * c);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const src = (Math.floor(y / factor) * img.width + Math.floor(x / factor)) * c;
      for (let k = 0; k < c; k++) data[(y * w + x) * c + k] = img.data[src + k]!;
    }
  }
  return { data, width: w, height: h, channels: c };
}
