// dcgan info: which engine this machine runs (backend, threads, libtorch), and how many kernels are native.
import { initEngine } from '../../engine/index.js';
import { flag, parse } from '../args.js';
import type { Command } from '../main.js';

export const command: Command = {
  async run(argv) {
    const p = parse('info', argv, { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } });
    if (flag(p, 'help')) {
      console.log('usage: dcgan info [--json]\n\nShows the TensorFlow.js backend this machine trains on, its threads and libtorch version.');
      return 0;
    }
    const info = await initEngine();
    if (flag(p, 'json')) {
      console.log(JSON.stringify(info, null, 2));
      return 0;
    }
    console.log(`backend:  ${info.backend}${info.warning ? `  (${info.warning})` : ''}`);
    console.log(`threads:  ${info.threads}`);
    if (info.torch) console.log(`libtorch: ${info.torch}${info.mkldnn ? ' with oneDNN' : ''}`);
    console.log(`kernels:  ${info.nativeKernels} native, ${info.fallbackKernels.length} through the cpu fallback`);
    return 0;
  },
};
