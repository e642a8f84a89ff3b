import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
} from '@aws-sdk/client-sqs';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { AwsClients } from '../adapters/aws/clients.js';
import { toSqsRecord } from '../local/queue-poller.js';
import type { LocalResources } from '../local/resources.js';
import { drainQueue } from '../testing/queues.js';

/** A stored order as the table holds it, reduced to what the invariants look at. */
export interface StoredOrder {
  readonly id: string;
  readonly customerEmail: string;
  readonly status: string;
  readonly queued: boolean;
  readonly alerted: boolean;
  readonly pending: boolean;
}

/** What the emulators actually hold: every stored order, and queue messages and alerts per order. */
export interface OrderSystemState {
  readonly orders: readonly StoredOrder[];
  /** Queue messages per order id (read from the deduplication id and checked against the body). */
  readonly messages: ReadonlyMap<string, number>;
  /** Alerts delivered to the topic's inbox per order id. */
  readonly alerts: ReadonlyMap<string, number>;
}

async function scanAll(clients: AwsClients, tableName: string): Promise<StoredOrder[]> {
  const orders: StoredOrder[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await clients.dynamo.send(
      new ScanCommand({ TableName: tableName, ...(start && { ExclusiveStartKey: start }) }),
    );
    for (const item of page.Items ?? []) {
      // Orders only: the sweeper keeps its checkpoint in the same table.
      if (item.customerId === undefined) continue;
      orders.push({
        id: String(item.id),
        customerEmail: String(item.customerEmail),
        status: String(item.status),
        queued: item.queued === true,
        alerted: item.alerted === true,
        pending: item.dispatchPending !== undefined,
      });
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return orders;
}

/**
 * Hands every message ready on the order queue to `consume` as Lambda would (an SQS event of up
 * to ten records), deletes those it did not report as failed, and counts the messages per order
 * id as {@link readOrderSystemState} does. Run it once the system is quiet.
 */
export async function consumeOrderQueue(
  clients: AwsClients,
  queueUrl: string,
  consume: (event: SQSEvent) => Promise<SQSBatchResponse>,
): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  const { Attributes = {} } = await clients.sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
  );
  for (;;) {
    const { Messages = [] } = await clients.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 0,
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
    );
    if (Messages.length === 0) return counts;
    const records = Messages.map((m) => toSqsRecord(m, Attributes.QueueArn ?? '', 'us-east-1'));
    for (const record of records) {
      const id = queueMessageOrderId(record.body, {
        MessageDeduplicationId: record.attributes.MessageDeduplicationId ?? '',
      });
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    const { batchItemFailures } = await consume({ Records: records });
    const failed = new Set(batchItemFailures.map((f) => f.itemIdentifier));
    const done = records.filter((r) => !failed.has(r.messageId));
    if (done.length > 0) {
      await clients.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: done.map((r, i) => ({ Id: String(i), ReceiptHandle: r.receiptHandle })),
        }),
      );
    }
  }
}

/** Receives and deletes every ready message, counting them by the key each one yields. */
async function drainCounting(
  clients: AwsClients,
  queueUrl: string,
  keyOf: (body: string, attributes: Record<string, string>) => string,
): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const message of await drainQueue(clients.sqs, queueUrl)) {
    const key = keyOf(message.Body ?? '', message.Attributes ?? {});
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

function queueMessageOrderId(body: string, attributes: Record<string, string>): string {
  const fromBody = (JSON.parse(body) as { order?: { id?: string } }).order?.id;
  const dedupId = attributes.MessageDeduplicationId;
  if (fromBody !== dedupId) {
    throw new Error(`Queue message for ${fromBody} carries deduplication id ${dedupId}`);
  }
  return dedupId ?? '';
}

function alertOrderId(body: string): string {
  const envelope = JSON.parse(body) as {
    Subject?: string;
    MessageAttributes?: { orderId?: { Value?: string } };
  };
  return envelope.MessageAttributes?.orderId?.Value ?? envelope.Subject ?? '';
}

/**
 * Reads the whole state of an order system from its emulators, draining the order queue and the
 * alert inbox as it counts them. Run it once the system is quiet.
 */
export async function readOrderSystemState(
  clients: AwsClients,
  resources: Pick<LocalResources, 'tableName' | 'queueUrl' | 'alertQueueUrl'>,
): Promise<OrderSystemState> {
  const [orders, messages, alerts] = await Promise.all([
    scanAll(clients, resources.tableName),
    drainCounting(clients, resources.queueUrl, queueMessageOrderId),
    drainCounting(clients, resources.alertQueueUrl, alertOrderId),
  ]);
  return { orders, messages, alerts };
}

/** How far the state is from "no order lost, none duplicated, every order dispatched". */
export interface InvariantReport {
  readonly stored: number;
  /** Acknowledged to a client but not stored. */
  readonly lostOrders: readonly string[];
  /** Requests (told apart by the e-mail each client used) that made more than one order. */
  readonly duplicateOrders: readonly string[];
  /** Stored orders with a queue message count other than one. */
  readonly wrongMessageCount: readonly string[];
  /** Stored orders without any alert. */
  readonly unalerted: readonly string[];
  /** Stored orders whose flags are not both set, or still marked pending. */
  readonly undispatched: readonly string[];
  /** Queue messages or alerts for orders that are not stored. */
  readonly strays: readonly string[];
  /** Alerts beyond the first, over all orders. */
  readonly duplicateAlerts: number;
  /** Whether every invariant holds (duplicate alerts are reported, not judged, here). */
  readonly ok: boolean;
}

/**
 * Checks the state against the orders clients were told were placed: `acknowledged` maps each
 * client's request tag (its customer e-mail) to the order id it received.
 */
export function checkInvariants(
  state: OrderSystemState,
  acknowledged: ReadonlyMap<string, string>,
): InvariantReport {
  const storedIds = new Set(state.orders.map((o) => o.id));
  const byRequest = new Map<string, number>();
  for (const order of state.orders) {
    byRequest.set(order.customerEmail, (byRequest.get(order.customerEmail) ?? 0) + 1);
  }
  const lostOrders = [...acknowledged.values()].filter((id) => !storedIds.has(id));
  const duplicateOrders = [...byRequest].filter(([, n]) => n > 1).map(([request]) => request);
  const wrongMessageCount = state.orders
    .filter((o) => state.messages.get(o.id) !== 1)
    .map((o) => o.id);
  const unalerted = state.orders.filter((o) => !state.alerts.has(o.id)).map((o) => o.id);
  const undispatched = state.orders
    .filter((o) => !o.queued || !o.alerted || o.pending)
    .map((o) => o.id);
  const strays = [...state.messages.keys(), ...state.alerts.keys()].filter(
    (id) => !storedIds.has(id),
  );
  const duplicateAlerts = [...state.alerts.values()].reduce((sum, n) => sum + n - 1, 0);
  const problems = [
    lostOrders,
    duplicateOrders,
    wrongMessageCount,
    unalerted,
    undispatched,
    strays,
  ];
  return {
    stored: state.orders.length,
    lostOrders,
    duplicateOrders,
    wrongMessageCount,
    unalerted,
    undispatched,
    strays,
    duplicateAlerts,
    ok: problems.every((p) => p.length === 0),
  };
}
