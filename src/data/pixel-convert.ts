// Pixel conversions shared by the loaders and the batcher: uint8 to [-1, 1] floats, grayscale <-> RGB.

/** v / 127.5 - 1 for every byte value: 0 -> -1, 255 -> 1. */
export const U8_TO_UNIT = Float32Array.from({ length: 256 }, (_, v) => v / 127.5 - 1);

/** Writes src (uint8) into out at offset, scaled to [-1, 1]. */
export function toUnitRange(src: Uint8Array, out: Float32Array, offset = 0): void {
  const lut = U8_TO_UNIT;
  for (let i = 0, n = src.length; i < n; i++) out[offset + i] = lut[src[i]!]!;
}

/** Each gray value repeated into R, G and B. */
export function grayToRgb(src: Uint8Array): Uint8Array {
  const out = new Uint8Array(src.length * 3);
  for (let i = 0, j = 0; i < src.length; i++, j += 3) out[j] = out[j + 1] = out[j + 2] = src[i]!;
  return out;
}

/** Luma of RGB pixels, ITU-R BT.601 weights (what PIL's convert('L') and tf.image.rgb_to_grayscale use). */
export function rgbToGray(src: Uint8Array): Uint8Array {
  const out = new Uint8Array(src.length / 3);
  for (let i = 0, j = 0; i < out.length; i++, j += 3) out[i] = Math.round(0.299 * src[j]! + 0.587 * src[j + 1]! + 0.114 * src[j + 2]!);
  return out;
}
