import type { SQSClient } from '@aws-sdk/client-sqs';
import { drainQueue } from './queues.js';

/** What the admins were sent, read from the queue subscribed to the alert topic. */
export interface AlertInbox {
  /** Order ids of single alerts, in arrival order. */
  readonly single: readonly string[];
  /** Order ids each digest listed, one array per digest. */
  readonly digests: readonly (readonly string[])[];
  /** How often each order was announced, by a single alert or a digest line. */
  readonly perOrder: ReadonlyMap<string, number>;
}

interface Envelope {
  Message?: string;
  MessageAttributes?: Record<string, { Value?: string }>;
}

/** Receives and deletes every alert waiting in the inbox queue, and sorts them out. */
export async function readAlertInbox(sqs: SQSClient, queueUrl: string): Promise<AlertInbox> {
  const single: string[] = [];
  const digests: string[][] = [];
  for (const message of await drainQueue(sqs, queueUrl)) {
    const envelope = JSON.parse(message.Body ?? '{}') as Envelope;
    const orderId = envelope.MessageAttributes?.orderId?.Value;
    if (orderId !== undefined) {
      single.push(orderId);
      continue;
    }
    // A digest: one line per order, each starting with its id.
    const ids = (envelope.Message ?? '')
      .split('\n')
      .map((line) => /^(ord_\w+) · /.exec(line)?.[1])
      .filter((id): id is string => id !== undefined);
    expectCount(envelope, ids.length);
    digests.push(ids);
  }
  const perOrder = new Map<string, number>();
  for (const id of [...single, ...digests.flat()]) perOrder.set(id, (perOrder.get(id) ?? 0) + 1);
  return { single, digests, perOrder };
}

function expectCount(envelope: Envelope, listed: number) {
  const count = Number(envelope.MessageAttributes?.orderCount?.Value);
  if (count !== listed) throw new Error(`A digest says ${count} orders but lists ${listed}`);
}
