// Which tfjs-core specs the conformance run executes, and a compact reporter.
// Exploration mode: CONFORMANCE_ALL=1 runs every backend spec; CONFORMANCE_GREP=text keeps only matching ones.
// CONFORMANCE_SUITES=1 and CONFORMANCE_KERNELS=1 print counts per suite and per kernel.
const { suites, excluded } = require('./allow-list.cjs');

const all = process.env.CONFORMANCE_ALL === '1';
const grep = process.env.CONFORMANCE_GREP;

function selectSpec(name) {
  if (grep && !name.includes(grep)) return false;
  // Specs outside describeWithFlags (utilities, io) do not touch a backend.
  if (!name.includes(' aten {}')) return false;
  if (all) return true;
  // Suite names look like "conv2d aten {} x=[...]": the op's test-file describe, then the env.
  if (!suites.some((s) => name.startsWith(`${s} aten {}`))) return false;
  return !excluded.some((e) => name.includes(e.spec));
}

// Kernel coverage: which aten kernels each spec ran (recorded by entry.cjs's kernel wrappers).
const kernelStats = new Map();
let current = new Set();
function recordKernel(name) {
  current.add(name);
}

const failures = [];
let passed = 0;
let failed = 0;
const bySuite = new Map();

const reporter = {
  specStarted() {
    current = new Set();
  },
  specDone(result) {
    for (const k of current) {
      const s = kernelStats.get(k) ?? { passed: 0, failed: 0 };
      if (result.status === 'passed') s.passed++;
      else if (result.status === 'failed') s.failed++;
      kernelStats.set(k, s);
    }
    if (result.status !== 'passed' && result.status !== 'failed') return;
    const top = result.fullName.split(' aten ')[0];
    const s = bySuite.get(top) ?? { passed: 0, failed: 0 };
    if (result.status === 'passed') {
      passed++;
      s.passed++;
    } else {
      failed++;
      s.failed++;
      failures.push({ name: result.fullName, message: (result.failedExpectations[0]?.message ?? '').split('\n')[0].slice(0, 300) });
    }
    bySuite.set(top, s);
  },
  jasmineDone() {
    for (const f of failures) console.log(`FAIL ${f.name}\n     ${f.message}`);
    if (process.env.CONFORMANCE_SUITES === '1') {
      for (const [k, v] of [...bySuite].sort()) console.log(`${v.failed ? 'x' : ' '} ${k}: ${v.passed} passed, ${v.failed} failed`);
    }
    if (process.env.CONFORMANCE_KERNELS === '1') {
      for (const [k, v] of [...kernelStats].sort()) console.log(`  kernel ${k}: ${v.passed} specs passed, ${v.failed} failed`);
    }
    const native = module.exports.nativeKernels ?? [];
    const untested = native.filter((k) => !kernelStats.has(k));
    console.log(`native kernels exercised: ${native.length - untested.length} of ${native.length}${untested.length ? ` (not exercised: ${untested.join(', ')})` : ''}`);
    console.log(`conformance (tfjs-core ${require('@tensorflow/tfjs-core/package.json').version} test suite on aten): ${passed} passed, ${failed} failed`);
  },
};

module.exports = { selectSpec, reporter, recordKernel, nativeKernels: [] };
