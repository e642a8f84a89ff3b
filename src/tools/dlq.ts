/**
 * Inspects the order queue's dead-letter queue and moves its messages back:
 *
 *   npm run dlq -- list [--max 100] [--json]
 *   npm run dlq -- redrive [--order <order id>] [--max 100] [--json]
 *
 * Reads ORDERS_DLQ_URL, ORDERS_QUEUE_URL (redrive) and AWS_REGION, and AWS_ENDPOINT_URL_SQS for
 * an emulator. Exits 2 on a usage or configuration error, 1 when a call fails.
 */
import { parseArgs } from 'node:util';
import { createLongPollSqsClient } from '../adapters/aws/clients.js';
import {
  type DeadLetter,
  listDeadLetters,
  type RedrivenLetter,
  redriveDeadLetters,
} from './dead-letters.js';

const USAGE = 'usage: npm run dlq -- list|redrive [--order <order id>] [--max <n>] [--json]';

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    order: { type: 'string' },
    max: { type: 'string', default: '100' },
    json: { type: 'boolean', default: false },
  },
});
const [command] = positionals;
const max = Number(args.max);
const env = process.env;
if (env.AWS_ENDPOINT_URL_SQS) {
  // An emulator: any region and keys do.
  env.AWS_REGION ??= 'us-east-1';
  env.AWS_ACCESS_KEY_ID ??= 'local';
  env.AWS_SECRET_ACCESS_KEY ??= 'local';
}
const problems = [
  ...(command === 'list' || command === 'redrive' ? [] : [USAGE]),
  ...(Number.isInteger(max) && max >= 1 && max <= 10_000 ? [] : ['--max must be 1..10000']),
  ...(env.ORDERS_DLQ_URL ? [] : ['ORDERS_DLQ_URL is required (output OrderDeadLetterQueueUrl)']),
  ...(command !== 'redrive' || env.ORDERS_QUEUE_URL
    ? []
    : ['ORDERS_QUEUE_URL is required (output OrdersQueueUrl)']),
  ...(env.AWS_REGION ? [] : ['AWS_REGION is required']),
];
if (problems.length > 0) {
  console.error(problems.join('\n'));
  process.exit(2);
}
env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// It receives with a wait of up to a second: its attempts need the long-poll client's time limits.
const sqs = createLongPollSqsClient(env.AWS_REGION ?? '', 1);
const deadLetterQueueUrl = env.ORDERS_DLQ_URL ?? '';

const line = (letter: DeadLetter) =>
  [
    `message ${letter.messageId}`,
    letter.orderId ? `order ${letter.orderId}` : `unreadable (${letter.unreadable})`,
    `customer ${letter.customerId ?? letter.messageGroupId ?? '?'}`,
    `received ${letter.receiveCount}×`,
    ...(letter.sentAt ? [`sent ${letter.sentAt}`] : []),
    ...Object.entries(letter.attributes).map(([name, value]) => `${name}=${value}`),
  ].join('  ');

async function main() {
  if (command === 'list') {
    const { letters, approximateTotal } = await listDeadLetters(sqs, deadLetterQueueUrl, { max });
    if (args.json) {
      console.log(JSON.stringify({ approximateTotal, letters }, null, 2));
    } else {
      for (const letter of letters) console.log(line(letter));
      console.log(
        `${letters.length} listed; the queue reports ${approximateTotal}.` +
          (approximateTotal > letters.length
            ? ' A FIFO listing shows the oldest message of each customer; the rest follow once those are redriven.'
            : ''),
      );
    }
  } else {
    const moved: RedrivenLetter[] = await redriveDeadLetters(
      sqs,
      { deadLetterQueueUrl, queueUrl: env.ORDERS_QUEUE_URL ?? '' },
      { max, ...(args.order && { orderId: args.order }) },
    );
    if (args.json) {
      console.log(JSON.stringify({ moved }, null, 2));
    } else {
      for (const letter of moved) console.log(`${line(letter)}  → ${letter.redrivenMessageId}`);
      console.log(`${moved.length} moved back to the order queue.`);
    }
  }
}

try {
  await main();
} catch (error) {
  console.error(`dlq ${command} failed:`, error instanceof Error ? error.message : error);
  process.exit(1);
}
