// One cold start: import a handler module, answer one API Gateway event, report, exit.
// Usage: node [flags] cold-start-driver.mjs <module path> <event JSON> <context JSON>
import { pathToFileURL } from 'node:url';

const [modulePath, eventJson, contextJson] = process.argv.slice(2);
const started = performance.now();
const { handler } = await import(pathToFileURL(modulePath).href);
const imported = performance.now();
const context = { ...JSON.parse(contextJson), getRemainingTimeInMillis: () => 30_000 };
const response = await handler(JSON.parse(eventJson), context, () => undefined);
const answered = performance.now();
const body = JSON.parse(response.body);
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
