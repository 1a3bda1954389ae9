// The generator in TensorFlow.js's stock layers format (model.json + weights.bin), which a browser loads with
// tf.loadLayersModel. The project's fused DcganBatchNorm layers become stock BatchNormalization layers (and
// an Activation / LeakyReLU after them); the weights are the same.
import * as tfl from '@tensorflow/tfjs-layers';
import type { GeneratorMeta } from './generator-meta.js';
import { saveLayersModel } from './model-files.js';

export type { GeneratorMeta } from './generator-meta.js';

interface LayerJson {
  class_name: string;
  config: Record<string, unknown>;
}

/** Stock initialiser configs in place of the project's (only used if the model is trained again). */
function stockInitializers(config: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(config)) {
    const init = v as { class_name?: string; config?: Record<string, unknown> } | null;
    out[k] = init && typeof init === 'object' && init.class_name === 'DcganNormal' ? { class_name: 'RandomNormal', config: init.config } : v;
  }
  return out;
}

/** Rewrites a Sequential topology so that stock TF.js can build it. */
export function stockTopology(topology: Record<string, unknown>): Record<string, unknown> {
  const config = topology.config as { layers: LayerJson[] };
  const layers: LayerJson[] = [];
  for (const raw of config.layers) {
    const l = { ...raw, config: stockInitializers(raw.config) };
    if (l.class_name !== 'DcganBatchNorm') {
      layers.push(l);
      continue;
    }
    const c = l.config;
    const bn: Record<string, unknown> = {
      name: c.name, trainable: c.trainable ?? true, dtype: c.dtype ?? 'float32', axis: -1,
      momentum: c.momentum, epsilon: c.epsilon, center: true, scale: true,
      beta_initializer: { class_name: 'Zeros', config: {} }, gamma_initializer: { class_name: 'Ones', config: {} },
      moving_mean_initializer: { class_name: 'Zeros', config: {} }, moving_variance_initializer: { class_name: 'Ones', config: {} },
    };
    if (c.batch_input_shape) bn.batch_input_shape = c.batch_input_shape;
    layers.push({ class_name: 'BatchNormalization', config: bn });
    if (c.activation === 'relu') layers.push({ class_name: 'Activation', config: { name: `${String(c.name)}_relu`, trainable: true, dtype: 'float32', activation: 'relu' } });
    if (c.activation === 'leakyrelu') layers.push({ class_name: 'LeakyReLU', config: { name: `${String(c.name)}_leaky`, trainable: true, dtype: 'float32', alpha: c.alpha } });
  }
  return { ...topology, config: { ...config, layers } };
}

/** Writes G to `dir` (model.json, weights.bin), atomically. */
export async function exportGenerator(G: tfl.LayersModel, dir: string, meta: GeneratorMeta): Promise<void> {
  await saveLayersModel(G, dir, { dcgan: meta }, { topology: stockTopology });
}
