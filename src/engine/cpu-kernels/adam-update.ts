// The custom Adam kernel for TF.js's cpu backend (the same arithmetic as native/norm.cc's adamUpdate).
import type { KernelConfig, TypedArray } from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { AdamUpdate, type AdamAttrs } from '../custom-kernels.js';

export const cpuAdamUpdateConfig: KernelConfig = {
  kernelName: AdamUpdate,
  backendName: 'cpu',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const b = backend as MathBackendCPU;
    const a = attrs as unknown as AdamAttrs;
    const get = (name: string) => b.data.get(inputs[name]!.dataId).values as TypedArray;
    const w = get('w'), m = get('m'), v = get('v'), g = get('g');
    const bc1 = 1 - a.beta1 ** a.step, bc2 = 1 - a.beta2 ** a.step;
    const w2 = new Float32Array(w.length), m2 = new Float32Array(w.length), v2 = new Float32Array(w.length);
    for (let i = 0; i < w.length; i++) {
      const gi = g[i]!;
      m2[i] = a.beta1 * m[i]! + (1 - a.beta1) * gi;
      v2[i] = a.beta2 * v[i]! + (1 - a.beta2) * gi * gi;
      w2[i] = w[i]! - (a.lr / bc1) * m2[i]! / (Math.sqrt(v2[i]!) / Math.sqrt(bc2) + a.epsilon);
    }
    const shape = [...inputs.w!.shape];
    return [b.makeTensorInfo(shape, 'float32', w2), b.makeTensorInfo(shape, 'float32', m2), b.makeTensorInfo(shape, 'float32', v2)];
  },
};
