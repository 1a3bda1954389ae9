// The custom LeakyRelu/Relu gradient kernel for TF.js's cpu backend.
import type { KernelConfig, TypedArray } from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { LeakyReluGrad } from '../custom-kernels.js';

export const cpuLeakyReluGradConfig: KernelConfig = {
  kernelName: LeakyReluGrad,
  backendName: 'cpu',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const b = backend as MathBackendCPU;
    const x = inputs.x!, alpha = (attrs?.alpha as number) ?? 0;
    const dy = b.data.get(inputs.dy!.dataId).values as TypedArray, xv = b.data.get(x.dataId).values as TypedArray;
    const dx = new Float32Array(xv.length);
    for (let i = 0; i < xv.length; i++) dx[i] = xv[i]! > 0 ? dy[i]! : alpha * dy[i]!;
    return b.makeTensorInfo([...x.shape], 'float32', dx);
  },
};
