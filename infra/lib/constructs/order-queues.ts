import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/**
 * Deliveries of one message before it moves to the dead-letter queue; the same number the local
 * runtime uses (`MAX_RECEIVE_COUNT` in src/local/resources.ts).
 */
export const MAX_RECEIVE_COUNT = 5;

/**
 * Visibility timeout per consumer timeout. AWS asks for at least six times the function
 * timeout on an event source queue, so that a batch being retried by the poller is not
 * delivered to a second invocation.
 */
export const VISIBILITY_PER_CONSUMER_TIMEOUT = 6;

/** Props of {@link OrderQueues}. */
export interface OrderQueuesProps {
  /** Timeout of the function that consumes the order queue; sets the visibility timeout. */
  readonly consumerTimeout: Duration;
  /**
   * What happens to the dead-letter queue, and the orders it holds, when the stack is deleted.
   * @default RemovalPolicy.DESTROY
   */
  readonly deadLetterRemovalPolicy?: RemovalPolicy;
}

/**
 * The FIFO order queue (message group = customer, deduplication id = order id, so content-based
 * deduplication is off) and its FIFO dead-letter queue. Both use SQS-managed encryption (no key
 * to run, no KMS request charges) and refuse requests without TLS, and both run in
 * high-throughput mode: throughput is limited per message group rather than per queue, and a
 * deduplication id is unique within its group. An order's group (its customer) and its
 * deduplication id (its order id) never change, so a re-send still falls into the same group and
 * is still dropped within the five-minute window.
 */
export class OrderQueues extends Construct {
  /** The queue orders are dispatched to. */
  readonly queue: sqs.Queue;
  /** Where a message goes after {@link MAX_RECEIVE_COUNT} failed deliveries. */
  readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: OrderQueuesProps) {
    super(scope, id);
    const common = {
      fifo: true,
      contentBasedDeduplication: false,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      fifoThroughputLimit: sqs.FifoThroughputLimit.PER_MESSAGE_GROUP_ID,
      deduplicationScope: sqs.DeduplicationScope.MESSAGE_GROUP,
    } as const;
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      ...common,
      retentionPeriod: Duration.days(14),
      removalPolicy: props.deadLetterRemovalPolicy ?? RemovalPolicy.DESTROY,
    });
    this.queue = new sqs.Queue(this, 'Queue', {
      ...common,
      retentionPeriod: Duration.days(4),
      visibilityTimeout: Duration.seconds(
        props.consumerTimeout.toSeconds() * VISIBILITY_PER_CONSUMER_TIMEOUT,
      ),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: MAX_RECEIVE_COUNT },
    });
  }
}
