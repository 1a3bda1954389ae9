// Bundled by conformance/run.mjs with esbuild: runs tfjs-core's own test suite (shipped in its npm package)
// against the aten backend (CONFORMANCE_BACKEND=cpu: against TF.js's cpu backend, to compare). The order of
// the require() calls matters: the backend and the spec filter must exist before the test files register
// their specs.
const Jasmine = require('jasmine');
const runner = new Jasmine();
runner.loadConfig({ random: false, stopSpecOnExpectationFailure: false });
runner.jasmine.DEFAULT_TIMEOUT_INTERVAL = 60000;

const backend = process.env.CONFORMANCE_BACKEND ?? 'aten';
const { registerAtenBackend } = require('../src/engine/index.ts');
const reg = registerAtenBackend();
if (backend === 'aten' && !reg.ok) {
  console.error(`conformance: the aten backend is not available: ${reg.reason}`);
  process.exit(1);
}
require('@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops');
require('@tensorflow/tfjs-core/dist/register_all_gradients');
// That re-registered TF.js's own Relu, LeakyRelu, Sum and Mean gradients: put back the engine's, which the
// suite's gradient specs then test.
require('../src/engine/custom-kernels.ts').registerCustomGradients();
const jasmineUtil = require('@tensorflow/tfjs-core/dist/jasmine_util');
jasmineUtil.setTestEnvs([{ name: backend, backendName: backend, flags: {}, isDataSync: true }]);

const filter = require('./filter.cjs');
filter.envName = backend;
const { selectSpec, reporter, recordKernel } = filter;
// Record which aten kernels each spec runs (the registry hands out its config objects).
const tf = require('@tensorflow/tfjs-core');
if (backend === 'aten') {
  const { nativeKernels } = require('../src/engine/register-kernels.ts');
  filter.nativeKernels = nativeKernels.map((k) => k.kernelName);
  for (const config of tf.getKernelsForBackend('aten')) {
    const run = config.kernelFunc;
    const name = config.kernelName;
    config.kernelFunc = (args) => {
      recordKernel(name);
      return run(args);
    };
  }
}
runner.env.configure({ specFilter: (spec) => selectSpec(spec.getFullName()) });
runner.env.clearReporters();
runner.env.addReporter(reporter);

require('@tensorflow/tfjs-core/dist/tests');
runner.exitOnCompletion = false;
runner.execute().then((result) => {
  process.exitCode = result.overallStatus === 'passed' ? 0 : 1;
});
