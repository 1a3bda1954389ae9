// Bundled by conformance/run.mjs with esbuild: runs tfjs-core's own test suite (shipped in its npm package)
// against the aten backend. The order of the require() calls matters: the backend and the spec filter
// must exist before the test files register their specs.
const Jasmine = require('jasmine');
const runner = new Jasmine();
runner.loadConfig({ random: false, stopSpecOnExpectationFailure: false });
runner.jasmine.DEFAULT_TIMEOUT_INTERVAL = 60000;

const { registerAtenBackend } = require('../src/engine/index.ts');
const reg = registerAtenBackend();
if (!reg.ok) {
  console.error(`conformance: the aten backend is not available: ${reg.reason}`);
  process.exit(1);
}
require('@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops');
require('@tensorflow/tfjs-core/dist/register_all_gradients');
// That re-registered TF.js's own Relu and LeakyRelu gradients: put back the backend's fused ones, which the
// suite's gradient specs then test.
require('../src/engine/custom-kernels.ts').registerCustomGradients();
const jasmineUtil = require('@tensorflow/tfjs-core/dist/jasmine_util');
jasmineUtil.setTestEnvs([{ name: 'aten', backendName: 'aten', flags: {}, isDataSync: true }]);

const filter = require('./filter.cjs');
const { selectSpec, reporter, recordKernel } = filter;
// Record which aten kernels each spec runs (the registry hands out its config objects).
const tf = require('@tensorflow/tfjs-core');
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
runner.env.configure({ specFilter: (spec) => selectSpec(spec.getFullName()) });
runner.env.clearReporters();
runner.env.addReporter(reporter);

require('@tensorflow/tfjs-core/dist/tests');
runner.exitOnCompletion = false;
runner.execute().then((result) => {
  process.exitCode = result.overallStatus === 'passed' ? 0 : 1;
});
