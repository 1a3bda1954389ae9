// Runs many dcgan command lines in one process, for tests that need hundreds of them (the damaged-run fuzz
// test): each goes through the CLI's own main() (dist/cli/main.js), with what it writes to stdout and stderr
// captured; an exception main() lets through is what bin/dcgan.js would print as a stack trace.
// usage: node test/cli-batch.cjs JOBS.json RESULTS.json, JOBS.json: [{ "id": "...", "args": ["sample", ...] }]
// A job { "id": "...", "features": DIR } writes a tiny TF.js layers model there (a feature network for eval).
'use strict';
const { readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const dist = join(__dirname, '..', 'dist');

async function writeFeatureNetwork(dir) {
  const tfl = require('@tensorflow/tfjs-layers');
  const { initEngine } = require(join(dist, 'engine', 'index.js'));
  const { saveLayersModel } = require(join(dist, 'model', 'model-files.js'));
  await initEngine();
  const m = tfl.sequential({ layers: [tfl.layers.flatten({ inputShape: [32, 32, 1] }), tfl.layers.dense({ units: 8, kernelInitializer: tfl.initializers.glorotNormal({ seed: 1 }) })] });
  await saveLayersModel(m, dir, {});
  m.dispose();
}

async function main() {
  const [jobsFile, resultsFile] = process.argv.slice(2);
  const jobs = JSON.parse(readFileSync(jobsFile, 'utf8'));
  const { main: dcgan } = require(join(dist, 'cli', 'main.js'));
  const results = [];
  const write = { out: process.stdout.write, err: process.stderr.write };
  for (const job of jobs) {
    if (job.features) {
      await writeFeatureNetwork(job.features);
      continue;
    }
    let out = '', err = '', code = null, crash = null;
    process.stdout.write = (chunk, ...rest) => { out += String(chunk); return typeof rest.at(-1) === 'function' ? (rest.at(-1)(), true) : true; };
    process.stderr.write = (chunk, ...rest) => { err += String(chunk); return typeof rest.at(-1) === 'function' ? (rest.at(-1)(), true) : true; };
    try {
      code = await dcgan(job.args);
    } catch (e) {
      crash = (e && e.stack) || String(e);
    } finally {
      process.stdout.write = write.out;
      process.stderr.write = write.err;
    }
    results.push({ id: job.id, args: job.args, code, out, err, crash });
  }
  writeFileSync(resultsFile, JSON.stringify(results));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
