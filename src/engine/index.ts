// The engine: registers the native `aten` TensorFlow.js backend (above `cpu`) when the addon loads, and
// selects a backend and thread count for a run.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
// tfjs-core's Node build registers no gradients; tfjs-layers' registers them all when it loads. Loading it
// here, before the engine's own gradient replacements, makes tf.grad work for library users and keeps
// those replacements from being overwritten by a later first import of tfjs-layers.
import '@tensorflow/tfjs-layers';
import { availableParallelism } from 'node:os';
import { ATEN, AtenBackend } from './backend.js';
import { cpuFallback, NO_FALLBACK } from './fallback.js';
import { aten } from './kernel-utils.js';
import { loadNative, type CpuCapability, type NativeInfo } from './native.js';
import { registerCustomGradients } from './custom-kernels.js';
import { cpuCustomKernels, nativeKernels } from './register-kernels.js';

export { ATEN, AtenBackend };
export type BackendName = 'aten' | 'cpu';

/** Priority of `aten` in tf.registerBackend: above cpu (1) and wasm/webgl (2). */
export const ATEN_PRIORITY = 3;

let registered: { ok: true; fallbackKernels: string[] } | { ok: false; reason: string } | undefined;

/**
 * Registers the aten backend and its kernels once: native kernels from kernels/, and for every other
 * kernel the cpu backend has, a fallback that runs it there. Returns why not when the addon is missing.
 */
export function registerAtenBackend(): { ok: true; fallbackKernels: string[] } | { ok: false; reason: string } {
  if (registered) return registered;
  // The project's custom kernels exist on cpu as well, so that models run the same on either backend.
  for (const config of cpuCustomKernels) tf.registerKernel(config);
  registerCustomGradients();
  const load = loadNative();
  if (!load.ok) {
    registered = { ok: false, reason: load.reason };
    return registered;
  }
  load.aten.setNumThreads(defaultThreads());
  tf.registerBackend(ATEN, () => new AtenBackend(load.aten), ATEN_PRIORITY);
  const native = new Set<string>();
  for (const config of nativeKernels) {
    tf.registerKernel(config);
    native.add(config.kernelName);
  }
  const fallbackKernels: string[] = [];
  for (const k of tf.getKernelsForBackend('cpu')) {
    if (native.has(k.kernelName) || NO_FALLBACK.has(k.kernelName)) continue;
    tf.registerKernel(aten(k.kernelName, cpuFallback(k.kernelName)));
    fallbackKernels.push(k.kernelName);
  }
  registered = { ok: true, fallbackKernels: fallbackKernels.sort() };
  return registered;
}

/** DCGAN_THREADS, else every core. */
export function defaultThreads(): number {
  const env = Number(process.env.DCGAN_THREADS);
  return Number.isInteger(env) && env > 0 ? env : availableParallelism();
}

export interface EngineInfo {
  backend: BackendName;
  threads: number;
  torch?: string;
  mkldnn?: boolean;
  /**
   * The instruction sets ATen, oneDNN and OpenBLAS use here; float results differ between them (restrict them
   * with ATEN_CPU_CAPABILITY=avx2 DNNL_MAX_CPU_ISA=AVX2 OPENBLAS_CORETYPE=Haswell to see an AVX2 machine's).
   */
  cpu?: CpuCapability;
  nativeKernels: number;
  fallbackKernels: string[];
  /** Why the native engine is not in use, when it is not. */
  warning?: string;
}

export interface EngineOptions {
  /** 'aten' (default when the addon is built) or 'cpu' (pure JS, hundreds of times slower). */
  backend?: BackendName;
  /** Intra-op threads for ATen; default DCGAN_THREADS or all cores. */
  threads?: number;
}

/** Selects the backend for this process. Throws with the fix when 'aten' is asked for but not built. */
export async function initEngine(options: EngineOptions = {}): Promise<EngineInfo> {
  const reg = registerAtenBackend();
  const want = options.backend ?? (reg.ok ? 'aten' : 'cpu');
  if (want === 'aten' && !reg.ok) {
    throw new Error(`The aten backend is not available: ${reg.reason}.`);
  }
  await tf.setBackend(want);
  await tf.ready();
  if (want === 'cpu') {
    // Its first write advises installing tfjs-node, which cannot install here; the warning below is ours.
    (tf.backend() as unknown as { firstUse: boolean }).firstUse = false;
  }
  const threads = options.threads ?? defaultThreads();
  const load = loadNative();
  if (load.ok) load.aten.setNumThreads(threads);
  const info: NativeInfo | undefined = load.ok ? load.aten.info() : undefined;
  return {
    backend: want,
    threads: want === 'aten' ? threads : 1,
    torch: info?.torch,
    mkldnn: info?.mkldnn,
    cpu: info?.cpu,
    nativeKernels: reg.ok ? nativeKernels.length : 0,
    fallbackKernels: reg.ok ? reg.fallbackKernels : [],
    warning: reg.ok
      ? want === 'cpu' ? 'running on the pure-JS cpu backend: hundreds of times slower than aten' : undefined
      : `${reg.reason}; running on the pure-JS cpu backend, hundreds of times slower`,
  };
}
