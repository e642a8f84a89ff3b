// Runs inside the Node.js release and with the V8 flags a function runs with (the parent starts
// it so), because V8 accepts a cache only from its own version under the same flags.
//   make <package dir> <warm-ups JSON file>: run the bundle and its warm-ups, write the cache
//   check <package dir>: compile with the cache and print whether V8 accepted it
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileBundle } from '../../startup/code-cache.js';
import { type CodeCacheInfo, PACKAGE_FILES } from '../../startup/package-files.js';
import type { WarmUp } from './warm-ups.js';

type Handler = (event: unknown, context: unknown, callback: () => void) => Promise<unknown>;

async function make(dir: string, warmUpsFile: string) {
  const file = join(dir, PACKAGE_FILES.app);
  const source = readFileSync(file, 'utf8');
  const bundle = compileBundle(file, source);
  const exports = bundle.evaluate();
  const warmUps = JSON.parse(readFileSync(warmUpsFile, 'utf8')) as WarmUp[];
  for (const warmUp of warmUps) {
    const handler = exports[warmUp.handler] as Handler | undefined;
    if (typeof handler !== 'function') throw new Error(`The bundle exports no ${warmUp.handler}`);
    const context = { ...warmUp.context, getRemainingTimeInMillis: () => 30_000 };
    await handler(warmUp.event, context, () => undefined);
  }
  const info: CodeCacheInfo = {
    node: process.version,
    v8: process.versions.v8,
    arch: process.arch,
    v8Flags: process.execArgv,
    appSha256: createHash('sha256').update(source).digest('hex'),
    warmUps: warmUps.map((w) => w.name),
  };
  writeFileSync(join(dir, PACKAGE_FILES.cache), bundle.script.createCachedData());
  writeFileSync(join(dir, PACKAGE_FILES.cacheInfo), `${JSON.stringify(info, null, 2)}\n`);
}

function check(dir: string) {
  const file = join(dir, PACKAGE_FILES.app);
  const bundle = compileBundle(
    file,
    readFileSync(file, 'utf8'),
    readFileSync(join(dir, PACKAGE_FILES.cache)),
  );
  process.stdout.write(`${JSON.stringify({ rejected: bundle.cacheRejected })}\n`);
}

const [mode, dir, warmUpsFile] = process.argv.slice(2);
const run = async () => {
  if (mode === 'make' && dir && warmUpsFile) await make(dir, warmUpsFile);
  else if (mode === 'check' && dir) check(dir);
  else throw new Error('Usage: make <dir> <warm-ups.json> | check <dir>');
};
run().then(
  // The handlers' keep-alive sockets would hold the process open.
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
