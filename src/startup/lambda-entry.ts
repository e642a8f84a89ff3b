// The Lambda entry of every function package (`index.js`): compiles the application bundle with
// its V8 code cache, maps stack traces through its source map on demand, and hands Lambda the
// bundle's exports. Plain Node: it runs before anything else and must not cost what it saves.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileBundle } from './code-cache.js';
import { reportRejectedCodeCache } from './code-cache-report.js';
import { mapStackTraces } from './mapped-stack-traces.js';
import { PACKAGE_FILES } from './package-files.js';

function readIfPresent(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

const appFile = join(__dirname, PACKAGE_FILES.app);
mapStackTraces(appFile, join(__dirname, PACKAGE_FILES.map));
const bundle = compileBundle(
  appFile,
  readFileSync(appFile, 'utf8'),
  readIfPresent(join(__dirname, PACKAGE_FILES.cache)),
);
if (bundle.cacheRejected) {
  reportRejectedCodeCache(readIfPresent(join(__dirname, PACKAGE_FILES.cacheInfo)), process.env);
}
module.exports = bundle.evaluate();
