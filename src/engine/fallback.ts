// Runs a kernel the aten backend does not implement natively on a private instance of TF.js's cpu backend:
// inputs are copied out, the cpu kernel runs, outputs are copied back (complex64 ones as the pair of float
// tensors the cpu backend keeps). Correct for every cpu kernel, and slow: the native kernels in kernels/
// are what training uses.
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

/** cpu kernels never run through the fallback. None today: every cpu kernel runs correctly through it. */
export const NO_FALLBACK = new Set<string>();

let cpu: MathBackendCPU | undefined;

function cpuBackend(): MathBackendCPU {
  if (!cpu) {
    cpu = new MathBackendCPU();
    // The cpu backend's first write prints advice to install tfjs-node; it does not apply here.
    (cpu as unknown as { firstUse: boolean }).firstUse = false;
  }
  return cpu;
}

/**
 * A complex64 tensor on the cpu backend from interleaved real and imaginary parts: the cpu backend keeps
 * complex tensors as a pair of float32 tensors, which its Complex kernel sets up.
 */
function cpuComplex(c: MathBackendCPU, values: Float32Array, shape: number[], created: Set<DataId>): DataId {
  const n = values.length / 2;
  const re = new Float32Array(n);
  const im = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    re[i] = values[2 * i]!;
    im[i] = values[2 * i + 1]!;
  }
  const real = { dataId: c.write(re, shape, 'float32'), shape, dtype: 'float32' as const };
  const imag = { dataId: c.write(im, shape, 'float32'), shape, dtype: 'float32' as const };
  created.add(real.dataId);
  created.add(imag.dataId);
  const complex = getKernel('Complex', 'cpu')!.kernelFunc({ inputs: { real, imag }, attrs: {}, backend: c }) as TensorInfo;
  return complex.dataId;
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
      const dataId = t.dtype === 'complex64' ? cpuComplex(c, aten.readSync(t.dataId) as Float32Array, t.shape, created)
        : c.write(aten.readSync(t.dataId), t.shape, t.dtype);
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
