import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

/**
 * The table's global secondary indexes, as the order store queries them: name, partition key
 * and sort key (all strings) and what they project. None projects all attributes: an index
 * entry is rewritten only when its keys or projected attributes change, and lists read the
 * orders themselves by key.
 */
export const ORDER_INDEXES = {
  /** A customer's orders, newest first, with their status for the status filter. */
  byCustomer: { partitionKey: 'customerId', sortKey: 'sortKey', nonKeyAttributes: ['status'] },
  /**
   * Orders of one status across customers, newest first; `status#shard` spreads each status, and
   * RECEIVED and PROCESSING share one key, told apart by the projected status.
   */
  byStatus: { partitionKey: 'statusShard', sortKey: 'sortKey' },
  /**
   * Sparse: orders whose queue message or alert has not been sent yet, oldest first, sharded,
   * with the sweep's per-order back-off.
   */
  undispatched: {
    partitionKey: 'dispatchPending',
    sortKey: 'createdAt',
    nonKeyAttributes: ['sweepAttempts', 'sweepAfter'],
  },
} as const satisfies Record<
  string,
  { partitionKey: string; sortKey: string; nonKeyAttributes?: readonly string[] }
>;

/** The name of one of the table's indexes. */
export type OrderIndexName = keyof typeof ORDER_INDEXES;

/** DynamoDB item actions the order code uses. */
export type OrderItemAction = 'GetItem' | 'BatchGetItem' | 'PutItem' | 'UpdateItem';

/** Props of {@link OrderTable}. */
export interface OrderTableProps {
  /**
   * Keep the table when the stack is deleted, and refuse deletion while it exists.
   * @default true
   */
  readonly retain?: boolean;
}

/**
 * The orders table, the system's source of truth: on-demand capacity (no capacity planning at
 * low and spiky volume), point-in-time recovery, and encryption with the AWS managed key
 * `aws/dynamodb`, whose use CloudTrail records, without the monthly fee and key policy of a
 * customer managed key (no other account or service needs to read the data). No TTL: orders
 * are kept.
 */
export class OrderTable extends Construct {
  /** The table. */
  readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string, props: OrderTableProps = {}) {
    super(scope, id);
    const retain = props.retain ?? true;
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      deletionProtection: retain,
      removalPolicy: retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    for (const [indexName, keys] of Object.entries(ORDER_INDEXES)) {
      const include = 'nonKeyAttributes' in keys ? [...keys.nonKeyAttributes] : undefined;
      this.table.addGlobalSecondaryIndex({
        indexName,
        partitionKey: { name: keys.partitionKey, type: dynamodb.AttributeType.STRING },
        sortKey: { name: keys.sortKey, type: dynamodb.AttributeType.STRING },
        ...(include
          ? { projectionType: dynamodb.ProjectionType.INCLUDE, nonKeyAttributes: include }
          : { projectionType: dynamodb.ProjectionType.KEYS_ONLY }),
      });
    }
  }

  /** Allows the given item actions on the table itself, and nothing else. */
  grantItems(grantee: iam.IGrantable, ...actions: readonly OrderItemAction[]): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: actions.map((action) => `dynamodb:${action}`),
      resourceArns: [this.table.tableArn],
    });
  }

  /** Allows Query on the named indexes only (never on the base table or other indexes). */
  grantQuery(grantee: iam.IGrantable, ...indexes: readonly OrderIndexName[]): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['dynamodb:Query'],
      resourceArns: indexes.map((index) => `${this.table.tableArn}/index/${index}`),
    });
  }
}
