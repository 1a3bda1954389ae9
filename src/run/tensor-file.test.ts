// tensors.bin is read in one pass of 64 MiB pieces that feeds both its checksum and the wanted tensors: a
// tensor that straddles two pieces reads back bit-identical, unwanted tensors are skipped, and damage found at
// the end of the pass (the checksum) leaves no tensor behind.
import * as tf from '@tensorflow/tfjs-core';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initEngine } from '../engine/index.js';
import { thrownUserError } from '../testing/user-error.js';
import { readTensors, verifyTensorFolder, writeTensorFolder } from './tensor-file.js';

const dir = mkdtempSync(join(tmpdir(), 'dcgan-tensor-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeAll(async () => {
  await initEngine();
});

// 3 floats, then 17M floats (68 MiB: bytes 12 to 68 MiB + 12, so it crosses the 64 MiB piece boundary), then
// an empty tensor and 5 int32s after it, in the second piece.
const small = Float32Array.from([1.5, -2.25, 3]);
const big = Float32Array.from({ length: 17 * (1 << 20) }, (_, i) => (i % 1009) - 504.5);
const ints = Int32Array.from([7, -1, 0, 2 ** 31 - 1, -(2 ** 31)]);

describe('tensors.bin, read in one pass', () => {
  const folder = join(dir, 'ckpt');
  beforeAll(() => {
    const tensors = { small: tf.tensor1d(small), big: tf.tensor(big, [17, 1 << 20]), empty: tf.tensor([], [0, 4]), ints: tf.tensor1d(ints, 'int32') };
    writeTensorFolder(folder, { note: 'meta' }, tensors);
    tf.dispose(Object.values(tensors));
  });

  it('reads a tensor across the 64 MiB piece boundary bit-identical, and only the tensors wanted', () => {
    const before = tf.memory().numTensors;
    const { meta, tensors } = readTensors(folder, (name) => name !== 'small');
    expect(meta).toEqual({ note: 'meta' });
    expect(Object.keys(tensors).sort()).toEqual(['big', 'empty', 'ints']);
    expect(tensors.big!.shape).toEqual([17, 1 << 20]);
    expect(Buffer.compare(Buffer.from((tensors.big!.dataSync() as Float32Array).buffer), Buffer.from(big.buffer))).toBe(0);
    expect(tensors.empty!.shape).toEqual([0, 4]);
    expect(tensors.ints!.dtype).toBe('int32');
    expect(Array.from(tensors.ints!.dataSync())).toEqual(Array.from(ints));
    tf.dispose(Object.values(tensors));
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a byte changed after every wanted tensor was made: one line naming the file, no tensor left behind', () => {
    const fd = openSync(join(folder, 'tensors.bin'), 'r+');
    writeSync(fd, Buffer.from([0xff]), 0, 1, 12 + big.byteLength + 2); // inside 'ints', the last tensor
    closeSync(fd);
    const before = tf.memory().numTensors;
    for (const read of [() => readTensors(folder), () => readTensors(folder, (name) => name === 'small'), () => verifyTensorFolder(folder)]) {
      expect(thrownUserError(read)).toMatch(/ckpt\/tensors\.bin: its checksum does not match the one in checkpoint\.json/);
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});
