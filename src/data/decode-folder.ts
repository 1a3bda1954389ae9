// Decoding a list of image files into a dataset on every core: probe headers when the size or channels must come
// from the data, decode in order, skip and count files that do not decode (or stop, when strict).
import { UserError } from '../util/errors.js';
import type { CacheWriter } from './cache-file.js';
import type { DatasetMeta } from './dataset-base.js';
import { DecodeError, decodeImage, probeImage, strictMessage, type Probe } from './decode-image.js';
import { orderedPool } from './ordered-pool.js';
import { decodeConcurrency } from './transform-array.js';
import type { Skipped } from './types.js';

/** How many skipped files are named. */
export const SKIPPED_EXAMPLES = 5;

export interface FolderDecode {
  spec: string;
  /** The folder, for messages. */
  root: string;
  files: string[];
  /** Class per file, when labelled. */
  labels?: { classNames: string[]; labels: Int32Array };
  /** Target size; undefined: the images' own, which must then all be the same. */
  size?: [number, number];
  /** Undefined: 1 when every image is grayscale, else 3. */
  channels?: 1 | 3;
  background: [number, number, number];
  strict: boolean;
}

export interface Decoded {
  meta: DatasetMeta;
  labels?: Int32Array;
  writer: CacheWriter;
}

function skipOrThrow(e: unknown, strict: boolean, skipped: Skipped): void {
  if (!(e instanceof DecodeError)) throw e;
  if (strict) throw new UserError(strictMessage(e.file, e.reason));
  skipped.count++;
  if (skipped.examples.length < SKIPPED_EXAMPLES) skipped.examples.push(`${e.file}: ${e.reason}`);
}

/** Decodes the files into the writer that openWriter makes once the shape is known. */
export async function decodeFolder(o: FolderDecode, openWriter: (shape: { height: number; width: number; channels: 1 | 3 }, maxCount: number) => CacheWriter): Promise<Decoded> {
  const skipped: Skipped = { count: 0, examples: [] };
  const concurrency = decodeConcurrency();
  let files = o.files.map((f, i) => ({ f, i }));
  let size = o.size, channels = o.channels;

  if (!size || !channels) {
    const probes: (Probe | null)[] = [];
    // Failures are returned, not thrown, and handled in delivery, which is in file order: the same file is
    // named first whichever decode finishes first.
    await orderedPool(files.length, concurrency, (k) => probeImage(files[k]!.f).catch((e: unknown) => e), (k, p) => {
      if (p instanceof Error) skipOrThrow(p, o.strict, skipped);
      probes[k] = p instanceof Error ? null : (p as Probe);
    });
    const ok = files.map((x, k) => ({ ...x, p: probes[k] })).filter((x): x is { f: string; i: number; p: Probe } => !!x.p);
    if (ok.length === 0) throw noneDecoded(o, skipped);
    if (!size) {
      const first = ok[0]!;
      const other = ok.find((x) => x.p.height !== first.p.height || x.p.width !== first.p.width);
      if (other) {
        throw new UserError(`${o.root}: images of different sizes (${first.f} is ${first.p.height}x${first.p.width}, ${other.f} is ${other.p.height}x${other.p.width}); pass an image size (--image-size HxW, e.g. --image-size 64) to resize and centre-crop them all`);
      }
      size = [first.p.height, first.p.width];
    }
    if (!channels) {
      const [r, g, b] = o.background;
      const grayBackground = r === g && g === b;
      channels = ok.every((x) => x.p.gray && (!x.p.alpha || grayBackground)) ? 1 : 3;
    }
    files = ok.map(({ f, i }) => ({ f, i }));
  }

  const [height, width] = size;
  const writer = openWriter({ height, width, channels }, files.length);
  const target = { height, width, channels, background: o.background, resize: !!o.size };
  const kept: number[] = [];
  try {
    await orderedPool(files.length, concurrency, (k) => decodeImage(files[k]!.f, target).catch((e: unknown) => e), (k, px) => {
      if (!(px instanceof Uint8Array)) return skipOrThrow(px, o.strict, skipped);
      writer.append(px);
      kept.push(files[k]!.i);
    });
    if (kept.length === 0) throw noneDecoded(o, skipped);
  } catch (e) {
    writer.abort();
    throw e;
  }
  const meta: DatasetMeta = { spec: o.spec, count: kept.length, height, width, channels, skipped };
  if (!o.labels) return { meta, writer };
  const all = o.labels.labels;
  return { meta: { ...meta, classNames: o.labels.classNames }, labels: Int32Array.from(kept, (i) => all[i]!), writer };
}

function noneDecoded(o: FolderDecode, skipped: Skipped): UserError {
  return new UserError(`${o.root}: none of the ${o.files.length} image files decodes (e.g. ${skipped.examples[0] ?? 'unknown'}); check that they are JPEG, PNG, WebP, GIF or TIFF images`);
}
