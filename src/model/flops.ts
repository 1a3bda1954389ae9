// Analytic multiply-accumulate counts of a model's convolution and dense layers, per image, for the
// benchmark's achieved-GFLOP/s figure (2 FLOPs per MAC).
import type * as tfl from '@tensorflow/tfjs-layers';

export interface LayerWork {
  name: string;
  /** MACs of the forward pass for one image; the input gradient and the filter gradient cost the same. */
  macs: number;
}

function dims(shape: unknown): number[] {
  const s = (Array.isArray(shape) && Array.isArray(shape[0]) ? shape[0] : shape) as (number | null)[];
  return s.slice(1).map((d) => d ?? 1);
}

/** The conv / transposed-conv / dense layers of a model, in order, with their per-image MACs. */
export function layerWork(model: tfl.LayersModel): LayerWork[] {
  const out: LayerWork[] = [];
  for (const layer of model.layers) {
    const cls = layer.getClassName();
    const config = layer.getConfig() as { kernelSize?: number[]; filters?: number; units?: number };
    const input = dims((layer.input as { shape: unknown }).shape), output = dims(layer.outputShape);
    if (cls === 'Conv2D') {
      const [kh, kw] = config.kernelSize!;
      out.push({ name: layer.name, macs: output[0]! * output[1]! * output[2]! * input[2]! * kh! * kw! });
    } else if (cls === 'Conv2DTranspose') {
      const [kh, kw] = config.kernelSize!;
      out.push({ name: layer.name, macs: input[0]! * input[1]! * input[2]! * output[2]! * kh! * kw! });
    } else if (cls === 'Dense') {
      out.push({ name: layer.name, macs: input[input.length - 1]! * output[output.length - 1]! });
    }
  }
  return out;
}

/**
 * MACs of one DCGAN iteration (ganStep with dBatch 'separate', one G step) per image, counting what the step
 * computes: G forward once (its tape is reused for G's update); D forward three times (real and fake for
 * D, fake again for G); D's filter gradients for both of its batches and its input gradients for all but
 * its first layer; in the G step D's input gradients (all layers) and G's filter and input gradients (all
 * but its first layer, whose input is z).
 */
export function iterationMacs(G: tfl.LayersModel, D: tfl.LayersModel): number {
  const g = layerWork(G), d = layerWork(D);
  const sum = (ls: LayerWork[]) => ls.reduce((a, l) => a + l.macs, 0);
  const gAll = sum(g), dAll = sum(d), gFirst = g[0]?.macs ?? 0, dFirst = d[0]?.macs ?? 0;
  const gWork = gAll + gAll + (gAll - gFirst);
  const dWork = 3 * dAll + 2 * dAll + 2 * (dAll - dFirst) + dAll;
  return gWork + dWork;
}
