// dcgan info: which engine this machine runs (backend, threads, libtorch, the instruction sets its math libraries
// use), and how many kernels are native.
import { initEngine } from '../../engine/index.js';
import { defineCommand } from '../command.js';

export const command = defineCommand({
  name: 'info',
  synopsis: '[--json]',
  about: 'Shows the TensorFlow.js backend this machine trains on, its threads, libtorch version and the instruction sets ATen, oneDNN and OpenBLAS use.',
  flags: [{ name: 'json', kind: 'boolean', help: 'print the report as JSON' }],
}, async ({ values: v }) => {
  const info = await initEngine();
  if (v.json) {
    console.log(JSON.stringify(info, null, 2));
    return 0;
  }
  console.log(`backend:  ${info.backend}${info.warning ? `  (${info.warning})` : ''}`);
  console.log(`threads:  ${info.threads}`);
  if (info.torch) console.log(`libtorch: ${info.torch}${info.mkldnn ? ' with oneDNN' : ''}`);
  if (info.cpu) console.log(`cpu:      ATen ${info.cpu.aten}, oneDNN ${info.cpu.onednn}, OpenBLAS ${info.cpu.openblas}`);
  console.log(`kernels:  ${info.nativeKernels} native, ${info.fallbackKernels.length} through the cpu fallback`);
  return 0;
});
