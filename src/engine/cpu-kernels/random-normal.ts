// The custom seeded-normal kernel for TF.js's cpu backend (this project's xoshiro128** generator).
import type { KernelConfig } from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { Rng } from '../../util/rng.js';
import { RandomNormal, type RandomNormalAttrs } from '../custom-kernels.js';

export const cpuRandomNormalConfig: KernelConfig = {
  kernelName: RandomNormal,
  backendName: 'cpu',
  kernelFunc: ({ backend, attrs }) => {
    const a = attrs as unknown as RandomNormalAttrs;
    const rng = new Rng(a.seed);
    const n = a.shape.reduce((x, y) => x * y, 1);
    const values = new Float32Array(n);
    for (let i = 0; i < n; i++) values[i] = a.mean + a.stddev * rng.normal();
    return (backend as MathBackendCPU).makeTensorInfo([...a.shape], 'float32', values);
  },
};
