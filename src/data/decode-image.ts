// Decoding one image file with sharp (libvips): EXIF orientation applied, shorter side resized and centre-cropped,
// converted to sRGB or grayscale at 8 bits per channel, alpha composited onto the background. A file that cannot
// be read is reported as such, not as an image that does not decode.
import { closeSync, openSync } from 'node:fs';
import type { Sharp, SharpOptions } from 'sharp';
import { grayToRgb, rgbToGray } from './pixel-convert.js';

type SharpFactory = (input?: string | Buffer, options?: SharpOptions) => Sharp;
let sharpModule: SharpFactory | null = null;

/** sharp, loaded on first use (it takes a while, and `dcgan --help` should not). */
export function getSharp(): SharpFactory {
  sharpModule ??= require('sharp') as SharpFactory;
  return sharpModule;
}

/** A file that sharp could not read; `reason` is the decoder's first line. */
export class DecodeError extends Error {
  override name = 'DecodeError';
  constructor(readonly file: string, readonly reason: string, readonly unreadable = false) {
    super(`${file}: ${reason}`);
  }
}

/** What `--strict` says about a file that failed: one that cannot be read is not called undecodable. */
export function strictMessage(file: string, reason: string): string {
  return /^cannot be read/.test(reason)
    ? `${file}: ${reason}; fix its permissions or remove it, or drop --strict to skip files that cannot be used`
    : `${file}: does not decode (${reason}); repair or remove it, or drop --strict to skip files that do not decode`;
}

const READ_FAULTS: Record<string, string> = {
  EACCES: 'permission denied', EPERM: 'permission denied', ENOENT: 'no such file (a broken link?)', EISDIR: 'a folder', EIO: 'an I/O error',
};

/** Why `file` cannot be opened for reading (sharp calls every such file an unsupported image format); null when it can. */
function readFault(file: string): string | null {
  try {
    closeSync(openSync(file, 'r'));
    return null;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'unknown error';
    return `cannot be read: ${READ_FAULTS[code] ?? code} (${code})`;
  }
}

function decodeError(file: string, e: unknown): DecodeError {
  const fault = readFault(file);
  if (fault) return new DecodeError(file, fault, true);
  // Only the first line: libvips' error buffer is shared between threads, so later lines (and, rarely, the
  // detail after 'corrupt header:') can belong to other files decoded at the same time.
  const first = String((e as Error)?.message ?? e).split('\n')[0]!.trim().replace(/:$/, '');
  return new DecodeError(file, first || 'does not decode');
}

// failOn 'error': truncated and corrupt data abort, harmless decoder warnings (extraneous JPEG bytes) do not.
const INPUT: SharpOptions = { failOn: 'error', autoOrient: true, pages: 1 };

export interface Probe {
  /** Size after EXIF orientation. */
  height: number;
  width: number;
  /** One gray channel (with or without alpha). */
  gray: boolean;
  alpha: boolean;
}

/** Reads an image's header only: its oriented size and colour. */
export async function probeImage(file: string): Promise<Probe> {
  try {
    const m = await getSharp()(file, INPUT).metadata();
    const gray = m.space === 'b-w' || m.space === 'grey16';
    return { height: m.autoOrient.height, width: m.autoOrient.width, gray, alpha: !!m.hasAlpha };
  } catch (e) {
    throw decodeError(file, e);
  }
}

export interface DecodeTarget {
  height: number;
  width: number;
  channels: 1 | 3;
  background: [number, number, number];
  /** Resize + centre crop to height x width; false: the image must already be that size. */
  resize: boolean;
}

/** Decodes a file into uint8 HWC pixels of the target shape; throws DecodeError when it cannot. */
export async function decodeImage(file: string, t: DecodeTarget): Promise<Uint8Array> {
  let out: { data: Buffer; info: { width: number; height: number; channels: number } };
  try {
    // Alpha is kept through the resize (sharp premultiplies it there) and composited below: libvips' flatten
    // works in floating point and costs a third of the decode time of a small PNG. Grayscale output is made
    // below too, with the same BT.601 luma as the other formats' (libvips' b-w would also drop the alpha).
    let img = getSharp()(file, INPUT);
    if (t.resize) img = img.resize(t.width, t.height, { fit: 'cover', position: 'centre' });
    out = await img.toColourspace('srgb').raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  } catch (e) {
    throw decodeError(file, e);
  }
  const { width, height, channels } = out.info;
  if (width !== t.width || height !== t.height || channels < 1 || channels > 4) {
    throw new DecodeError(file, `decoded to ${height}x${width}x${channels}, expected ${t.height}x${t.width}x${t.channels}`);
  }
  let px = new Uint8Array(out.data.buffer, out.data.byteOffset, out.data.length);
  let c = channels;
  if (c === 2 || c === 4) {
    c--;
    px = flatten(px, c, c === 1 ? [luma(t.background)] : t.background);
  }
  if (c === t.channels) return px;
  return c === 1 ? grayToRgb(px) : rgbToGray(px);
}

function luma([r, g, b]: [number, number, number]): number {
  return Math.round(0.299 * r + 0.587 * g + 0.114 * b);
}

/** Composites c colour channels plus alpha onto a background: (v * a + bg * (255 - a)) / 255, rounded. */
export function flatten(src: Uint8Array, c: number, background: number[]): Uint8Array {
  const n = src.length / (c + 1);
  const out = new Uint8Array(n * c);
  for (let i = 0, s = 0, d = 0; i < n; i++, s += c + 1, d += c) {
    const a = src[s + c]!, na = 255 - a;
    for (let k = 0; k < c; k++) out[d + k] = Math.round((src[s + k]! * a + background[k]! * na) / 255);
  }
  return out;
}
