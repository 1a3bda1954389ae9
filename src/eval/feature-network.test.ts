// Feature networks: images adapted to a network's input (channels, size, range), and a user's TF.js layers
// model loaded from model.json as one (its output or a named layer), with clear errors for bad files.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initEngine } from '../engine/index.js';
import { Rng } from '../util/rng.js';
import { adaptImages, userNetwork } from './feature-network.js';
import { saveLayersModel } from '../model/model-files.js';

const dir = mkdtempSync(join(tmpdir(), 'dcgan-features-'));

describe('feature networks', () => {
  beforeAll(async () => {
    await initEngine();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('adaptImages: RGB to luma, gray to RGB, bilinear resize, pixel range', () => {
    const rgb = tf.tensor4d([0.5, -0.5, 1, -1, 0, 0.2], [1, 1, 2, 3]);
    const gray = adaptImages(rgb, { height: null, width: null, channels: 1 });
    expect(gray.shape).toEqual([1, 1, 2, 1]);
    const g = gray.dataSync();
    expect(g[0]).toBeCloseTo(0.299 * 0.5 - 0.587 * 0.5 + 0.114, 6);
    expect(g[1]).toBeCloseTo(-0.299 + 0.114 * 0.2, 6);
    const back = adaptImages(gray, { height: null, width: null, channels: 3 });
    expect(Array.from(back.dataSync())).toEqual([g[0], g[0], g[0], g[1], g[1], g[1]]);
    const flat = tf.fill([2, 8, 8, 1], 0.25) as tf.Tensor4D;
    const small = adaptImages(flat, { height: 4, width: 6, channels: 1 }, [0, 255]);
    expect(small.shape).toEqual([2, 4, 6, 1]);
    for (const v of small.dataSync()) expect(v).toBeCloseTo(1.25 * 127.5, 3);
    tf.dispose([rgb, gray, back, flat, small]);
  });

  it("a user's model.json: its output or a named layer as features, resized input, a stable id", async () => {
    const m = tfl.sequential({
      layers: [
        tfl.layers.conv2d({ inputShape: [16, 16, 3], filters: 4, kernelSize: 3, activation: 'relu', kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }) }),
        tfl.layers.globalAveragePooling2d({}),
        tfl.layers.dense({ units: 5, name: 'emb', kernelInitializer: tfl.initializers.glorotUniform({ seed: 2 }) }),
        tfl.layers.dense({ units: 2, kernelInitializer: tfl.initializers.glorotUniform({ seed: 3 }) }),
      ],
    });
    const folder = join(dir, 'net');
    await saveLayersModel(m, folder, { note: 'test' });
    m.dispose();
    const out = await userNetwork(join(folder, 'model.json'));
    const emb = await userNetwork(folder, { layer: 'emb' });
    const ranged = await userNetwork(folder, { range: [0, 1] });
    expect(out.dim).toBe(2);
    expect(emb.dim).toBe(5);
    expect(out.input).toEqual({ height: 16, width: 16, channels: 3 });
    expect(out.classNames).toBeUndefined();
    expect(new Set([out.id, emb.id, ranged.id]).size).toBe(3);
    const again = await userNetwork(folder);
    expect(again.id).toBe(out.id);
    // 1-channel 28x28 images go in as 3-channel 16x16.
    const rng = new Rng(2);
    const x = Float32Array.from({ length: 3 * 28 * 28 }, () => rng.uniform() * 2 - 1);
    const tensors = tf.memory().numTensors;
    const f = emb.extract(x, 3, { height: 28, width: 28, channels: 1 }, 2);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(f.features).toHaveLength(15);
    expect(f.probs).toBeUndefined();
    for (const n of [out, emb, ranged, again]) n.dispose();
  });

  it('bad files are user errors that say what to give', async () => {
    await expect(userNetwork(join(dir, 'missing.json'))).rejects.toThrow(/does not exist/);
    const notModel = join(dir, 'x.json');
    writeFileSync(notModel, JSON.stringify({ hello: 1 }));
    await expect(userNetwork(notModel)).rejects.toThrow(/not a TF.js layers model/);
    await expect(userNetwork(join(dir, 'net'), { layer: 'nope' })).rejects.toThrow(/no such layer/);
  });
});
