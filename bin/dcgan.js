#!/usr/bin/env node
// The dcgan command line: a thin layer over the library in dist/ (built by `npm install` / `npm run build`).
'use strict';
let main;
try {
  ({ main } = require('../dist/cli/main.js'));
} catch (e) {
  if (e && e.code === 'MODULE_NOT_FOUND' && String(e.message).includes('dist/cli/main.js')) {
    console.error('dcgan: the TypeScript sources are not built; run `npm run build` in ' + require('node:path').join(__dirname, '..'));
    process.exit(1);
  }
  throw e;
}
main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
