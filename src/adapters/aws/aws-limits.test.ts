import type { PublishCommandInput } from '@aws-sdk/client-sns';
import type { SendMessageCommandInput } from '@aws-sdk/client-sqs';
import type { PutCommandInput } from '@aws-sdk/lib-dynamodb';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LIMITS, validatePlaceOrder } from '../../domain/validation.js';
import { orderInput, PLACE_ORDER } from '../../testing/graphql-client.js';
import { createTestHttpApi, type TestHttpApi } from '../../testing/http-api.js';
import { createTestOrderSystem, type TestOrderSystem } from '../../testing/order-system.js';
import { largestOrderInput } from '../../testing/orders.js';

/**
 * AWS's own limits, which the emulators do not all enforce (fauxqs takes any group id, long or
 * multi-line subjects and bodies over 256 KiB). "With room" means at most half of the limit.
 */
const AWS = {
  /** SQS SendMessage and SNS Publish: body plus attributes. */
  messageBytes: 256 * 1024,
  /** SQS MessageGroupId and MessageDeduplicationId: 1 to 128 visible ASCII characters. */
  groupId: /^[\x21-\x7E]{1,128}$/,
  /** Characters SQS accepts in a body. */
  body: /^[\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]*$/u,
  /** SNS Subject: ASCII, starting with a letter, digit or punctuation, no line breaks, < 100. */
  subject: /^[\x21-\x7E][\x20-\x7E]{0,98}$/,
  itemBytes: 400 * 1024,
  partitionKeyBytes: 2048,
  sortKeyBytes: 1024,
} as const;

let sys: TestOrderSystem;
let api: TestHttpApi;
const sent = {
  messages: [] as SendMessageCommandInput[],
  alerts: [] as PublishCommandInput[],
  puts: [] as PutCommandInput[],
};

/** Records the input of each command a client sends: what the adapters really write. */
function record<I>(client: { middlewareStack: unknown }, name: string, into: I[]) {
  (
    client.middlewareStack as {
      add(mw: unknown, options: { step: string; name: string }): void;
    }
  ).add(
    (next: (args: { input: I }) => Promise<unknown>, context: { commandName?: string }) =>
      async (args: { input: I }) => {
        if (context.commandName === name) into.push(args.input);
        return next(args);
      },
    { step: 'initialize', name: `record${name}` },
  );
}

beforeAll(async () => {
  sys = await createTestOrderSystem();
  record(sys.clients.sqs, 'SendMessageCommand', sent.messages);
  record(sys.clients.sns, 'PublishCommand', sent.alerts);
  record(sys.clients.dynamo, 'PutCommand', sent.puts);
  api = createTestHttpApi(sys);
});

beforeEach(() => {
  sent.messages.length = 0;
  sent.alerts.length = 0;
  sent.puts.length = 0;
});

const utf8 = (text: string | undefined) => Buffer.byteLength(text ?? '');
const attributeBytes = (attributes: Record<string, { StringValue?: string; DataType?: string }>) =>
  Object.entries(attributes).reduce(
    (sum, [name, value]) => sum + utf8(name) + utf8(value.DataType) + utf8(value.StringValue),
    0,
  );

async function place(input: Record<string, unknown>) {
  const answer = await api.post<{ placeOrder: { order: { id: string } } }>(PLACE_ORDER, { input });
  expect(answer.errors).toBeUndefined();
  expect(sent.messages).toHaveLength(1);
  expect(sent.alerts).toHaveLength(1);
  return answer.data?.placeOrder.order.id;
}

describe('AWS limits the order path relies on', () => {
  it('fits the largest order the rules accept in one SQS message, with room', async () => {
    const input = largestOrderInput();
    validatePlaceOrder(input);
    await place({ ...input });

    const [message] = sent.messages;
    const bytes = utf8(message?.MessageBody) + attributeBytes(message?.MessageAttributes ?? {});
    expect(bytes).toBeLessThanOrEqual(AWS.messageBytes / 2);
    expect(message?.MessageBody).toMatch(AWS.body);
    expect(message?.MessageGroupId).toMatch(AWS.groupId);
    expect(message?.MessageDeduplicationId).toMatch(AWS.groupId);
    // The body carries the order exactly, escapes and all.
    expect(JSON.parse(message?.MessageBody ?? '{}').order.items[99].sku).toBe(input.items[99]?.sku);
  });

  it('fits the alert for the largest order in one SNS message, with room', async () => {
    await place({ ...largestOrderInput(1) });

    const [alert] = sent.alerts;
    const bytes =
      utf8(alert?.Message) + utf8(alert?.Subject) + attributeBytes(alert?.MessageAttributes ?? {});
    expect(bytes).toBeLessThanOrEqual(AWS.messageBytes / 2);
    expect(alert?.Subject).toMatch(AWS.subject);
  });

  it('stores the largest order as one DynamoDB item within the item and key limits, with room', async () => {
    await place({ ...largestOrderInput(2) });

    const item = sent.puts[0]?.Item ?? {};
    // Attribute names plus values as JSON: at least what DynamoDB counts for strings and lists.
    expect(utf8(JSON.stringify(item))).toBeLessThanOrEqual(AWS.itemBytes / 2);
    expect(utf8(item.customerId)).toBeLessThanOrEqual(AWS.partitionKeyBytes);
    expect(utf8(item.customerStatus)).toBeLessThanOrEqual(AWS.partitionKeyBytes);
    expect(utf8(item.sortKey)).toBeLessThanOrEqual(AWS.sortKeyBytes);
  });

  it.each([
    ['the smallest order', orderInput({ customerId: 'c' })],
    ['an order in JPY', orderInput({ customerId: 'c-jpy', currency: 'JPY' })],
    ['the largest order', largestOrderInput(3)],
  ])('writes an alert subject SNS accepts for %s', async (_, input) => {
    await place({ ...input });

    expect(sent.alerts[0]?.Subject).toMatch(AWS.subject);
    expect(sent.alerts[0]?.Subject).not.toMatch(/[\r\n]/);
  });

  it('accepts as customer id exactly the characters SQS allows in a message group id', () => {
    const codePoints = [
      ...Array.from({ length: 128 }, (_, i) => i),
      0xa0,
      0xe9,
      0x2028,
      0x200b,
      0xff01,
      0x1f600,
    ];
    const accepts = (customerId: string) => {
      try {
        validatePlaceOrder({ ...orderInput(), customerId } as never);
        return true;
      } catch {
        return false;
      }
    };

    for (const codePoint of codePoints) {
      const id = `c${String.fromCodePoint(codePoint)}`;
      expect({ id, accepted: accepts(id) }).toEqual({ id, accepted: AWS.groupId.test(id) });
    }
    const longest = 'x'.repeat(LIMITS.customerIdLength);
    expect(accepts(longest)).toBe(true);
    expect(AWS.groupId.test(longest)).toBe(true);
    expect(accepts(`${longest}x`)).toBe(false);
  });

  it('sends the customer id unchanged as the group id when it uses every allowed character', async () => {
    const customerId = Array.from({ length: 94 }, (_, i) => String.fromCharCode(0x21 + i)).join('');
    await place(orderInput({ customerId }));

    expect(sent.messages[0]?.MessageGroupId).toBe(customerId);
    expect(sent.messages[0]?.MessageGroupId).toMatch(AWS.groupId);
  });
});
