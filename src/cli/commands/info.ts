// dcgan info: which engine this machine runs (backend, threads, libtorch), and how many kernels are native.
import { initEngine } from '../../engine/index.js';
import { defineCommand } from '../command.js';

export const command = defineCommand({
  name: 'info',
  synopsis: '[--json]',
  about: 'Shows the TensorFlow.js backend this machine trains on, its threads and libtorch version.',
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
  console.log(`kernels:  ${info.nativeKernels} native, ${info.fallbackKernels.length} through the cpu fallback`);
  return 0;
});
