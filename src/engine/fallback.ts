// Runs a kernel the aten backend does not implement natively on a private instance of TF.js's cpu backend:
// inputs are copied out, the cpu kernel runs, outputs are copied back. Correct for every cpu kernel that
// does not involve complex numbers, and slow: the native kernels in kernels/ are what training uses.
import {
  getKernel,
  util,
  type DataId,
  type KernelFunc,
  type NamedTensorInfoMap,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type { AtenBackend } from './backend.js';

/** Kernels whose cpu implementations need complex tensors, which have no native representation here. */
export const NO_FALLBACK = new Set(['Complex', 'ComplexAbs', 'Real', 'Imag', 'FFT', 'IFFT', 'RFFT', 'IRFFT']);

let cpu: MathBackendCPU | undefined;

function cpuBackend(): MathBackendCPU {
  if (!cpu) {
    cpu = new MathBackendCPU();
    // The cpu backend's first write prints advice to install tfjs-node; it does not apply here.
    (cpu as unknown as { firstUse: boolean }).firstUse = false;
  }
  return cpu;
}

/** A kernel function that runs TF.js's cpu implementation of `kernelName` on the aten backend's tensors. */
export function cpuFallback(kernelName: string): KernelFunc {
  return ({ inputs, attrs, backend }) => {
    const config = getKernel(kernelName, 'cpu');
    if (!config) {
      throw new Error(`Kernel '${kernelName}' is implemented neither by the aten backend nor by the cpu backend.`);
    }
    const aten = backend as AtenBackend;
    const c = cpuBackend();
    const created = new Set<DataId>();
    // Variadic kernels (Concat, AddN, Pack) take an array of inputs: keep the container's kind.
    const copy = (t: TensorInfo): TensorInfo => {
      const dataId = c.write(aten.readSync(t.dataId), t.shape, t.dtype);
      created.add(dataId);
      // Some cpu kernels read tensor-only properties (rank, size) because TF.js's gradients pass Tensors.
      return { dataId, shape: t.shape, dtype: t.dtype, rank: t.shape.length, size: util.sizeFromShape(t.shape) } as TensorInfo;
    };
    const cpuInputs: Record<string, TensorInfo | TensorInfo[]> = Array.isArray(inputs) ? ([] as unknown as Record<string, TensorInfo>) : {};
    for (const [name, t] of Object.entries(inputs as Record<string, TensorInfo | TensorInfo[] | undefined>)) {
      if (t == null) continue;
      // Ragged kernels take lists of tensors as one input.
      cpuInputs[name] = Array.isArray(t) ? t.map(copy) : copy(t);
    }
    try {
      const out = config.kernelFunc({ inputs: cpuInputs as NamedTensorInfoMap, attrs, backend: c });
      const outs = Array.isArray(out) ? out : [out];
      const results = outs.map((o) => {
        created.add(o.dataId);
        return { dataId: aten.write(c.readSync(o.dataId), o.shape, o.dtype), shape: o.shape, dtype: o.dtype };
      });
      return Array.isArray(out) ? results : results[0]!;
    } finally {
      for (const dataId of created) c.disposeData(dataId, true);
    }
  };
}
