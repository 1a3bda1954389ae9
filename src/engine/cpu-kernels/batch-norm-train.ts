// The custom batch-norm kernels for TF.js's cpu backend (plain loops; channels are the last axis).
import type { KernelConfig, TensorInfo, TypedArray } from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { activationAlpha, BatchNormTrain, BatchNormTrainGrad, type BatchNormTrainAttrs } from '../custom-kernels.js';

function values(b: MathBackendCPU, t: TensorInfo): Float32Array {
  return b.data.get(t.dataId).values as TypedArray as Float32Array;
}

export const cpuBatchNormTrainConfig: KernelConfig = {
  kernelName: BatchNormTrain,
  backendName: 'cpu',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const b = backend as MathBackendCPU;
    const x = inputs.x!, a = attrs as unknown as BatchNormTrainAttrs, eps = a.epsilon, alpha = activationAlpha(a);
    const xv = values(b, x), g = values(b, inputs.gamma!), bt = values(b, inputs.beta!);
    const c = x.shape[x.shape.length - 1]!, n = xv.length / c;
    const mean = new Float64Array(c), sq = new Float64Array(c);
    for (let i = 0; i < xv.length; i++) mean[i % c] = mean[i % c]! + xv[i]!;
    for (let k = 0; k < c; k++) mean[k] = mean[k]! / n;
    for (let i = 0; i < xv.length; i++) { const d = xv[i]! - mean[i % c]!; sq[i % c] = sq[i % c]! + d * d; }
    const invStd = new Float32Array(c);
    for (let k = 0; k < c; k++) invStd[k] = 1 / Math.sqrt(sq[k]! / n + eps);
    const y = new Float32Array(xv.length);
    for (let i = 0; i < xv.length; i++) {
      const k = i % c;
      const v = (xv[i]! - mean[k]!) * invStd[k]! * g[k]! + bt[k]!;
      y[i] = alpha === undefined || v > 0 ? v : alpha * v;
    }
    return [b.makeTensorInfo([...x.shape], 'float32', y), b.makeTensorInfo([c], 'float32', Float32Array.from(mean)),
      b.makeTensorInfo([c], 'float32', invStd)];
  },
};

export const cpuBatchNormTrainGradConfig: KernelConfig = {
  kernelName: BatchNormTrainGrad,
  backendName: 'cpu',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const b = backend as MathBackendCPU;
    const x = inputs.x!, alpha = activationAlpha(attrs as unknown as BatchNormTrainAttrs);
    const xv = values(b, x), g = values(b, inputs.gamma!);
    let dy = values(b, inputs.dy!);
    if (alpha !== undefined) {
      // Back through the activation first: y > 0 exactly where its input was.
      const y = values(b, inputs.y!);
      dy = dy.map((d, i) => (y[i]! > 0 ? d : alpha * d));
    }
    const mean = values(b, inputs.mean!), inv = values(b, inputs.invStd!);
    const c = x.shape[x.shape.length - 1]!, n = xv.length / c;
    // dbeta = sum(dy), dgamma = sum(dy * xhat), dx = gamma * invStd / n * (n * dy - dbeta - xhat * dgamma)
    const dbeta = new Float64Array(c), dgamma = new Float64Array(c);
    for (let i = 0; i < xv.length; i++) {
      const k = i % c;
      dbeta[k] = dbeta[k]! + dy[i]!;
      dgamma[k] = dgamma[k]! + dy[i]! * (xv[i]! - mean[k]!) * inv[k]!;
    }
    const dx = new Float32Array(xv.length);
    for (let i = 0; i < xv.length; i++) {
      const k = i % c;
      const xhat = (xv[i]! - mean[k]!) * inv[k]!;
      dx[i] = (g[k]! * inv[k]! / n) * (n * dy[i]! - dbeta[k]! - xhat * dgamma[k]!);
    }
    return [b.makeTensorInfo([...x.shape], 'float32', dx), b.makeTensorInfo([c], 'float32', Float32Array.from(dgamma)),
      b.makeTensorInfo([c], 'float32', Float32Array.from(dbeta))];
  },
};
