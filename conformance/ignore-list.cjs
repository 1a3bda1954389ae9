// The conformance ignore list (as tfjs-node's run_tests.ts keeps one): every spec of tfjs-core's test suite
// runs against the aten backend except those named here, each with the reason. A spec is skipped when its
// full name contains `spec`. Only specs that also fail on TF.js's own cpu backend belong here
// (`CONFORMANCE_BACKEND=cpu npm run test:conformance` runs the same suite on cpu to check).

const IGNORE = [];

module.exports = { IGNORE };
