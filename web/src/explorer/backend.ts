// Picks TensorFlow.js's backend for the explorer: WebGL where the browser has a GPU, else WebAssembly, else
// the plain-JS cpu backend; ?backend=NAME asks for one. WebGL drawn in software (SwiftShader, llvmpipe: a
// browser without a GPU) is slower than WebAssembly, so it comes after it. The wasm binaries come from the
// tfjs-backend-wasm package, emitted by Vite beside the other assets.
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

export const BACKENDS = ['webgl', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKENDS)[number];

setWasmPaths({
  'tfjs-backend-wasm.wasm': wasmPlain,
  'tfjs-backend-wasm-simd.wasm': wasmSimd,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded,
});

/** Whether WebGL here is drawn in software (no GPU). */
function softwareWebgl(): boolean {
  try {
    const gl = document.createElement('canvas').getContext('webgl2') ?? document.createElement('canvas').getContext('webgl');
    if (!gl) return false;
    const info = gl.getExtension('WEBGL_debug_renderer_info');
    const renderer = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    return /swiftshader|llvmpipe|softpipe|software/i.test(renderer);
  } catch {
    return false;
  }
}

/** Sets the first backend of the list that initialises; returns its name. */
export async function chooseBackend(wanted: string | null): Promise<string> {
  if (wanted !== null && !(BACKENDS as readonly string[]).includes(wanted)) {
    throw new Error(`?backend=${wanted} is not one of ${BACKENDS.join(', ')}`);
  }
  const order: readonly string[] = wanted ? [wanted] : softwareWebgl() ? ['wasm', 'webgl', 'cpu'] : BACKENDS;
  for (const name of order) {
    try {
      if (await tf.setBackend(name)) {
        await tf.ready();
        return tf.getBackend();
      }
    } catch {
      // this backend cannot start here: try the next
    }
  }
  throw new Error(`no TensorFlow.js backend could start (tried ${order.join(', ')})`);
}
