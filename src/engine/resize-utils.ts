// TF's sampling positions for image resizing (as tfjs-backend-cpu computes them), per output row or column.
export interface NearestIndex {
  index: Int32Array;
}

function ratio(inSize: number, outSize: number, alignCorners: boolean): number {
  const effIn = alignCorners && outSize > 1 ? inSize - 1 : inSize;
  const effOut = alignCorners && outSize > 1 ? outSize - 1 : outSize;
  return effIn / effOut;
}

/** Source index of each output position for nearest-neighbour resizing. */
export function nearestIndices(inSize: number, outSize: number, alignCorners: boolean, halfPixelCenters: boolean): Int32Array {
  const r = ratio(inSize, outSize, alignCorners);
  const out = new Int32Array(outSize);
  for (let i = 0; i < outSize; i++) {
    const frac = halfPixelCenters ? r * (i + 0.5) : r * i;
    let src = Math.min(inSize - 1, alignCorners ? Math.round(frac) : Math.floor(frac));
    if (halfPixelCenters) src = Math.max(0, src);
    out[i] = src;
  }
  return out;
}

/** Lower and upper source index and the weight of the upper one, per output position (bilinear). */
export function bilinearPositions(inSize: number, outSize: number, alignCorners: boolean, halfPixelCenters: boolean): {
  lo: Int32Array;
  hi: Int32Array;
  frac: Float32Array;
} {
  const r = ratio(inSize, outSize, alignCorners);
  const lo = new Int32Array(outSize), hi = new Int32Array(outSize), frac = new Float32Array(outSize);
  for (let i = 0; i < outSize; i++) {
    const src = halfPixelCenters ? r * (i + 0.5) - 0.5 : r * i;
    const floor = Math.max(0, Math.floor(src));
    lo[i] = floor;
    hi[i] = Math.min(inSize - 1, Math.ceil(src));
    frac[i] = src - floor;
  }
  return { lo, hi, frac };
}
