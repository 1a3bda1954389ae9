// Which tfjs-core specs the conformance run executes (all but the ignore list's), and a compact reporter.
// CONFORMANCE_GREP=text keeps only specs whose name contains it. CONFORMANCE_SUITES=1 and
// CONFORMANCE_KERNELS=1 print counts per suite and per kernel.
const { IGNORE } = require('./ignore-list.cjs');

const grep = process.env.CONFORMANCE_GREP;
let excluded = 0;
const ignoredHits = new Map(IGNORE.map((e) => [e.spec, 0]));

function selectSpec(name) {
  if (grep && !name.includes(grep)) return false;
  const hit = IGNORE.find((e) => name.includes(e.spec));
  if (hit) {
    excluded++;
    ignoredHits.set(hit.spec, ignoredHits.get(hit.spec) + 1);
    return false;
  }
  return true;
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
    const top = result.fullName.split(` ${module.exports.envName} `)[0];
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
    if (!grep) {
      const stale = [...ignoredHits].filter(([, n]) => n === 0).map(([s]) => s);
      if (stale.length) console.log(`ignore-list entries that match no spec (remove them): ${stale.join('; ')}`);
    }
    const native = module.exports.nativeKernels ?? [];
    if (native.length) {
      const untested = native.filter((k) => !kernelStats.has(k));
      console.log(`native kernels exercised: ${native.length - untested.length} of ${native.length}${untested.length ? ` (not exercised: ${untested.join(', ')})` : ''}`);
    }
    console.log(`conformance (tfjs-core ${require('@tensorflow/tfjs-core/package.json').version} test suite on ${module.exports.envName}): ` +
      `${passed} passed, ${failed} failed, ${excluded} excluded (conformance/ignore-list.cjs)`);
  },
};

module.exports = { selectSpec, reporter, recordKernel, nativeKernels: [], envName: 'aten' };
