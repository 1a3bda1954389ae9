// The IDX format of MNIST and Fashion-MNIST (LeCun et al., http://yann.lecun.com/exdb/mnist/): reading images and
// labels, gzipped or raw, with a one-line error for every way a file can be wrong; and writing it.
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { UserError } from '../util/errors.js';

/** The IDX data-type byte (third byte of the magic number). */
const TYPES: Record<number, string> = { 0x08: 'unsigned byte', 0x09: 'signed byte', 0x0b: 'int16', 0x0c: 'int32', 0x0d: 'float32', 0x0e: 'float64' };

export interface ArrayImages {
  count: number;
  height: number;
  width: number;
  channels: 1 | 3;
  /** uint8 NHWC. */
  pixels: Uint8Array;
}

/** A file's bytes, gunzipped when it starts with gzip's magic number; missing and damaged files are UserErrors. */
export function readMaybeGzip(file: string): Uint8Array {
  let raw: Buffer;
  try {
    raw = readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UserError(`${file}: no such file; check the path`);
    if (code === 'EISDIR') throw new UserError(`${file} is a folder; give the IDX file itself (e.g. ${file}/train-images-idx3-ubyte.gz)`);
    throw new UserError(`${file}: cannot read it (${code ?? (e as Error).message}); check its permissions`);
  }
  if (raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b) {
    try {
      return gunzipSync(raw);
    } catch (e) {
      throw new UserError(`${file}: the gzip data is truncated or damaged (${(e as Error).message}); download the file again`);
    }
  }
  return raw;
}

interface IdxHeader {
  type: number;
  dims: number[];
  dataOffset: number;
}

function readHeader(buf: Uint8Array, file: string, expected: string): IdxHeader {
  const magicHex = () => '0x' + Buffer.from(buf.subarray(0, 4)).toString('hex').padEnd(8, '?');
  if (buf.length < 4 || buf[0] !== 0 || buf[1] !== 0 || !TYPES[buf[2]!] || buf[3]! < 1) {
    throw new UserError(`${file}: not an IDX file (magic number ${magicHex()}, expected ${expected}); give an MNIST-format file such as train-images-idx3-ubyte.gz`);
  }
  const type = buf[2]!, ndims = buf[3]!;
  const dataOffset = 4 + 4 * ndims;
  if (buf.length < dataOffset) throw new UserError(`${file}: truncated inside the IDX header (${buf.length} bytes); download the file again`);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const dims = Array.from({ length: ndims }, (_, i) => view.getUint32(4 + 4 * i, false));
  return { type, dims, dataOffset };
}

function checkLength(buf: Uint8Array, h: IdxHeader, file: string, what: string): void {
  const need = h.dims.reduce((a, b) => a * b, 1);
  const have = buf.length - h.dataOffset;
  if (have < need) throw new UserError(`${file}: truncated: the header promises ${what} (${need} bytes of data) but the file holds ${have}; download it again`);
  if (have > need) throw new UserError(`${file}: ${have - need} bytes more than the header's ${what}; the file is damaged or not IDX, download it again`);
}

/** Images from an IDX buffer: N x H x W (grayscale) or N x H x W x C with C 1 or 3, unsigned bytes. */
export function parseIdxImages(buf: Uint8Array, file: string): ArrayImages {
  const h = readHeader(buf, file, '0x00000803 for images');
  if (h.type !== 0x08) throw new UserError(`${file}: IDX data type 0x${h.type.toString(16).padStart(2, '0')} (${TYPES[h.type]}); only unsigned-byte images (0x08) are supported`);
  if (h.dims.length === 1) throw new UserError(`${file} is an IDX labels file (1 dimension), not images; give the images file (e.g. train-images-idx3-ubyte.gz), its labels are found beside it`);
  const [count = 0, height = 0, width = 0, channels = 1] = h.dims;
  if (h.dims.length < 3 || h.dims.length > 4 || (channels !== 1 && channels !== 3)) {
    throw new UserError(`${file}: IDX images of shape ${h.dims.join('x')}; expected N x H x W (grayscale) or N x H x W x C with C 1 or 3`);
  }
  if (count === 0 || height === 0 || width === 0) throw new UserError(`${file}: the IDX header says ${h.dims.join('x')}, no images; give a file with images`);
  checkLength(buf, h, file, `${count} images of ${height}x${width}${channels === 3 ? 'x3' : ''}`);
  return { count, height, width, channels, pixels: buf.subarray(h.dataOffset) };
}

/** Labels from an IDX buffer (magic 0x00000801): one unsigned byte per image. */
export function parseIdxLabels(buf: Uint8Array, file: string): Uint8Array {
  const h = readHeader(buf, file, '0x00000801 for labels');
  if (h.type !== 0x08 || h.dims.length !== 1) {
    const magic = Buffer.from(buf.subarray(0, 4)).toString('hex');
    throw new UserError(`${file}: not an IDX labels file (magic number 0x${magic}, expected 0x00000801); give the labels file (e.g. train-labels-idx1-ubyte.gz)`);
  }
  checkLength(buf, h, file, `${h.dims[0]} labels`);
  return buf.subarray(h.dataOffset);
}

/** The labels file beside an images file: train-images-idx3-ubyte(.gz) -> train-labels-idx1-ubyte(.gz), if it exists. */
export function findLabelsFile(imagesFile: string): string | undefined {
  const name = basename(imagesFile);
  if (!/images/i.test(name)) return undefined;
  const base = name.replace(/images/i, (m) => (m === 'IMAGES' ? 'LABELS' : 'labels')).replace(/idx3/i, 'idx1').replace(/\.gz$/i, '');
  return [base, `${base}.gz`].map((n) => join(dirname(imagesFile), n)).find((p) => existsSync(p));
}

/** Images (and labels) from IDX files: labels checked against the images' count. */
export function readIdx(imagesFile: string, labelsFile?: string): ArrayImages & { labels?: Uint8Array } {
  const images = parseIdxImages(readMaybeGzip(imagesFile), imagesFile);
  if (!labelsFile) return images;
  const labels = parseIdxLabels(readMaybeGzip(labelsFile), labelsFile);
  if (labels.length !== images.count) {
    throw new UserError(`${labelsFile}: ${labels.length} labels for the ${images.count} images of ${imagesFile}; give the labels file that belongs to these images`);
  }
  return { ...images, labels };
}

/** Encodes unsigned bytes as IDX with the given dimensions (e.g. [n, 28, 28] images, [n] labels). */
export function encodeIdx(data: Uint8Array, dims: number[]): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + data.length);
  const view = new DataView(out.buffer);
  out[2] = 0x08;
  out[3] = dims.length;
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(data, 4 + 4 * dims.length);
  return out;
}
