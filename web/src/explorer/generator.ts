// The run's exported generator in the browser: stock tf.loadLayersModel on generator/model.json, and batched
// generation from latent vectors (plus a one-hot class for conditional runs) to ImageData, timed.
import * as tf from '@tensorflow/tfjs';
import type { GeneratorMeta } from '../../../src/model/generator-meta';

export interface Generated {
  images: ImageData[];
  /** Wall time of the forward pass and the read-back, in ms. */
  ms: number;
}

/** Images per forward pass, to keep memory small on the slower backends. */
const BATCH = 32;

export class BrowserGenerator {
  private constructor(readonly model: tf.LayersModel, readonly meta: GeneratorMeta) {}

  static async load(url: string, onProgress?: (fraction: number) => void): Promise<BrowserGenerator> {
    const model = await tf.loadLayersModel(url, { onProgress });
    const meta = (model.getUserDefinedMetadata() as { dcgan?: GeneratorMeta } | undefined)?.dcgan;
    if (!meta) throw new Error(`${url} has no dcgan metadata (nz, image size): it was not exported by dcgan train`);
    const inputs = model.inputs[0]?.shape.at(-1);
    if (inputs !== meta.nz + meta.classes) throw new Error(`the generator takes ${inputs} inputs, but its metadata says nz ${meta.nz} + ${meta.classes} classes`);
    return new BrowserGenerator(model, meta);
  }

  /** Images for latent vectors `zs` (each of length nz); `cls` picks the class of a conditional generator. */
  async generate(zs: Float32Array[], cls: number | null): Promise<Generated> {
    const { nz, classes } = this.meta;
    const t0 = performance.now();
    const images: ImageData[] = [];
    for (let at = 0; at < zs.length; at += BATCH) {
      const part = zs.slice(at, at + BATCH);
      const flat = new Float32Array(part.length * (nz + classes));
      part.forEach((z, i) => {
        flat.set(z.subarray(0, nz), i * (nz + classes));
        if (classes > 0) flat[i * (nz + classes) + nz + (cls ?? 0)] = 1;
      });
      const out = tf.tidy(() => this.model.predict(tf.tensor2d(flat, [part.length, nz + classes])) as tf.Tensor);
      const data = (await out.data()) as Float32Array;
      out.dispose();
      for (let i = 0; i < part.length; i++) images.push(this.toImage(data, i));
    }
    return { images, ms: performance.now() - t0 };
  }

  /** Image i of a [n, h, w, c] batch in [-1, 1] (tanh) as RGBA pixels. */
  private toImage(data: Float32Array, i: number): ImageData {
    const { height: hh, width: ww, channels: c } = this.meta.image;
    const img = new ImageData(ww, hh);
    const px = img.data;
    const base = i * hh * ww * c;
    for (let p = 0; p < hh * ww; p++) {
      for (let k = 0; k < 3; k++) {
        const v = data[base + p * c + (c === 1 ? 0 : k)]!;
        px[p * 4 + k] = Math.round((Math.min(1, Math.max(-1, v)) + 1) * 127.5);
      }
      px[p * 4 + 3] = 255;
    }
    return img;
  }

  dispose(): void {
    this.model.dispose();
  }
}
