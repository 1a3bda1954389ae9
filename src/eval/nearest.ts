// Nearest-neighbour searches over feature or pixel vectors (rows of a Float32Array): squared Euclidean
// distances block by block on the engine (|a|^2 + |b|^2 - 2 a.b, one matMul per block), reduced on the host.
import * as tf from '@tensorflow/tfjs-core';

/** Rows of the distance blocks: a block holds at most about this many distances (64 MB of float32). */
const BLOCK_VALUES = 16 * 2 ** 20;

/**
 * Calls visit(rowStart, rows, d2) for consecutive blocks of rows of `a`: d2 holds the squared distances
 * (rows x nb, row-major, clipped at 0) from those rows to every row of `b`.
 */
export function distanceBlocks(a: Float32Array, b: Float32Array, d: number, visit: (rowStart: number, rows: number, d2: Float32Array) => void): void {
  const na = a.length / d, nb = b.length / d;
  if (na === 0 || nb === 0) return;
  const tb = tf.tensor2d(b, [nb, d]);
  const nb2 = tf.tidy(() => tf.reshape(tf.sum(tf.square(tb), 1), [1, nb]));
  const step = Math.max(1, Math.floor(BLOCK_VALUES / nb));
  try {
    for (let i = 0; i < na; i += step) {
      const rows = Math.min(step, na - i);
      const block = tf.tidy(() => {
        const ta = tf.tensor2d(a.subarray(i * d, (i + rows) * d), [rows, d]);
        const na2 = tf.reshape(tf.sum(tf.square(ta), 1), [rows, 1]);
        return tf.relu(tf.sub(tf.add(na2, nb2), tf.mul(tf.matMul(ta, tb, false, true), 2)));
      });
      const d2 = block.dataSync() as Float32Array; // device-to-host: this block's distances
      block.dispose();
      visit(i, rows, d2);
    }
  } finally {
    tf.dispose([tb, nb2]);
  }
}

/**
 * For each row of x (n x d), the distance to its k-th nearest neighbour in x, the row itself counted as the
 * 0-th (as NVlabs' precision-recall code: np.partition(distances, k)[k]).
 */
export function kthNeighbourDistances(x: Float32Array, d: number, k: number): Float32Array {
  const n = x.length / d;
  if (k >= n) throw new Error(`the ${k}-th nearest neighbour needs more than ${k} vectors, got ${n}`);
  const out = new Float32Array(n);
  const best = new Float64Array(k + 1);
  distanceBlocks(x, x, d, (start, rows, d2) => {
    for (let r = 0; r < rows; r++) {
      // The k + 1 smallest, ascending, by insertion.
      best.fill(Infinity);
      const row = d2.subarray(r * n, (r + 1) * n);
      for (let j = 0; j < n; j++) {
        const v = row[j]!;
        if (v >= best[k]!) continue;
        let p = k;
        while (p > 0 && best[p - 1]! > v) {
          best[p] = best[p - 1]!;
          p--;
        }
        best[p] = v;
      }
      out[start + r] = Math.sqrt(best[k]!);
    }
  });
  return out;
}

/**
 * The m nearest rows of a base set for each query row, with the base seen in chunks (so a training set never
 * has to be in memory at once): update() with each chunk and its offset in the base.
 */
export class NearestTracker {
  /** n x m base indices, nearest first (-1 while fewer than m base rows were seen). */
  readonly index: Int32Array;
  /** n x m squared distances, ascending. */
  readonly d2: Float64Array;

  constructor(readonly n: number, readonly m = 1) {
    this.index = new Int32Array(n * m).fill(-1);
    this.d2 = new Float64Array(n * m).fill(Infinity);
  }

  update(query: Float32Array, chunk: Float32Array, d: number, offset = 0): void {
    const nb = chunk.length / d, m = this.m;
    distanceBlocks(query, chunk, d, (start, rows, d2) => {
      for (let r = 0; r < rows; r++) {
        const at = (start + r) * m;
        for (let j = 0; j < nb; j++) {
          const v = d2[r * nb + j]!;
          if (v >= this.d2[at + m - 1]!) continue;
          let p = m - 1;
          while (p > 0 && this.d2[at + p - 1]! > v) {
            this.d2[at + p] = this.d2[at + p - 1]!;
            this.index[at + p] = this.index[at + p - 1]!;
            p--;
          }
          this.d2[at + p] = v;
          this.index[at + p] = offset + j;
        }
      }
    });
  }

  /** Euclidean distance of each query row to its nearest base row. */
  nearestDistance(): Float64Array {
    return Float64Array.from({ length: this.n }, (_, i) => Math.sqrt(this.d2[i * this.m]!));
  }
}

/** For each row of `query`, the index of and the distance to the nearest row of `base`. */
export function nearest(query: Float32Array, base: Float32Array, d: number): { index: Int32Array; distance: Float64Array } {
  const t = new NearestTracker(query.length / d, 1);
  t.update(query, base, d);
  return { index: t.index, distance: t.nearestDistance() };
}

/**
 * For each row of `query`, whether it lies within radius[j] of some row j of `base` (a ball around each base
 * row): the k-NN manifold membership test of Kynkäänniemi et al. 2019. Reduced on the engine, one max per row.
 */
export function insideAnyBall(query: Float32Array, base: Float32Array, radius: Float32Array, d: number): Uint8Array {
  const n = query.length / d, nb = base.length / d;
  const inside = new Uint8Array(n);
  if (n === 0 || nb === 0) return inside;
  const tb = tf.tensor2d(base, [nb, d]);
  const extra = tf.tidy(() => {
    const r = tf.tensor2d(radius, [1, nb]);
    // r^2 - |b|^2: the slack r_j^2 - |q - b_j|^2 is then extra_j - |q|^2 + 2 q.b_j.
    return tf.sub(tf.square(r), tf.reshape(tf.sum(tf.square(tb), 1), [1, nb]));
  });
  const step = Math.max(1, Math.floor(BLOCK_VALUES / nb));
  try {
    for (let i = 0; i < n; i += step) {
      const rows = Math.min(step, n - i);
      const slack = tf.tidy(() => {
        const tq = tf.tensor2d(query.subarray(i * d, (i + rows) * d), [rows, d]);
        const nq2 = tf.reshape(tf.sum(tf.square(tq), 1), [rows, 1]);
        return tf.max(tf.sub(tf.add(extra, tf.mul(tf.matMul(tq, tb, false, true), 2)), nq2), 1);
      });
      const s = slack.dataSync(); // device-to-host: one value per query row
      slack.dispose();
      for (let r = 0; r < rows; r++) inside[i + r] = s[r]! >= 0 ? 1 : 0;
    }
  } finally {
    tf.dispose([tb, extra]);
  }
  return inside;
}
