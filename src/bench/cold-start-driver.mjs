// One cold start the way Lambda's Node.js runtime makes it: load the handler module (index.mjs
// with import(), index.js with require(), as the runtime does), answer one event, report, exit.
// Usage: node [Lambda's V8 flags] cold-start-driver.mjs <package dir> <handler> <event JSON>
//          <context JSON> <CA certificate file>
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import tls from 'node:tls';
import { pathToFileURL } from 'node:url';

const [dir, handlerName, eventJson, contextJson, caFile] = process.argv.slice(2);
// The emulator's self-signed certificate is trusted on top of Node's bundled roots, as AWS's
// endpoints are trusted through those roots (NODE_EXTRA_CA_CERTS stays unset).
tls.setDefaultCACertificates([...tls.getCACertificates('bundled'), readFileSync(caFile, 'utf8')]);

const started = performance.now();
const esm = join(dir, 'index.mjs');
const loaded = existsSync(esm)
  ? await import(pathToFileURL(esm).href)
  : createRequire(join(dir, 'index.js'))(join(dir, 'index.js'));
const handler = loaded[handlerName];
const imported = performance.now();
const context = { ...JSON.parse(contextJson), getRemainingTimeInMillis: () => 30_000 };
const response = await handler(JSON.parse(eventJson), context, () => undefined);
const answered = performance.now();
// A WebSocket `$connect` answers with a status and headers only.
const body = response.body === undefined ? {} : JSON.parse(response.body);
// A null root field (an unknown order) would mean the request never reached the store.
const answeredNull = Object.values(body.data ?? {}).some((value) => value === null);
if (response.statusCode !== 200 || body.errors || answeredNull) {
  process.stderr.write(`Unexpected response: ${response.statusCode} ${response.body}\n`);
  process.exit(1);
}
process.stderr.write(
  `COLD_START ${JSON.stringify({ importMs: imported - started, firstRequestMs: answered - imported })}\n`,
);
// Open keep-alive sockets would otherwise hold the process.
process.exit(0);
