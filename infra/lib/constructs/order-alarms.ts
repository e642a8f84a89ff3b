import { Duration } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/**
 * Age of the oldest order message that raises an alarm. A healthy consumer takes seconds; a
 * message still there after this long is stuck or being retried towards the dead-letter queue.
 */
export const MAX_ORDER_MESSAGE_AGE = Duration.minutes(10);

/** Props of {@link OrderAlarms}. */
export interface OrderAlarmsProps {
  /** Where alarms (and their return to OK) are sent. */
  readonly topic: sns.ITopic;
  /** The HTTP API; any 5xx answer raises an alarm. */
  readonly api: apigw.IHttpApi;
  /** Every function by a short name used in alarm descriptions. */
  readonly functions: Readonly<Record<string, lambda.IFunction>>;
  /** The order queue. */
  readonly queue: sqs.IQueue;
  /** The order queue's dead-letter queue. */
  readonly deadLetterQueue: sqs.IQueue;
  /** The orders table. */
  readonly table: dynamodb.ITable;
  /**
   * The sweeper's `DispatchFailures` metric: an order the sweeper could not dispatch is stranded
   * until someone looks.
   */
  readonly sweeperDispatchFailures: cloudwatch.IMetric;
}

/**
 * The alarms of the order system, each sending to the operations topic: API 5xx, errors and
 * throttles of every function, messages in the dead-letter queue, an old message in the order
 * queue, orders the sweeper could not dispatch, and throttled table requests. Missing data counts as fine (no traffic, no alarm).
 */
export class OrderAlarms extends Construct {
  /** Every alarm, by construct id. */
  readonly alarms: Readonly<Record<string, cloudwatch.Alarm>>;

  constructor(scope: Construct, id: string, props: OrderAlarmsProps) {
    super(scope, id);
    const alarms: Record<string, cloudwatch.Alarm> = {};
    const period = Duration.minutes(5);
    const add = (
      alarmId: string,
      description: string,
      metric: cloudwatch.IMetric,
      threshold = 1,
      comparisonOperator = cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    ) => {
      const alarm = new cloudwatch.Alarm(this, alarmId, {
        alarmDescription: description,
        metric,
        threshold,
        comparisonOperator,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      alarm.addAlarmAction(new actions.SnsAction(props.topic));
      alarm.addOkAction(new actions.SnsAction(props.topic));
      alarms[alarmId] = alarm;
    };

    add(
      'Api5xx',
      'The GraphQL API answered with a 5xx status.',
      props.api.metricServerError({ period, statistic: cloudwatch.Stats.SUM }),
    );
    for (const [name, fn] of Object.entries(props.functions)) {
      add(
        `${name}Errors`,
        `The ${name} function failed (uncaught error or timeout).`,
        fn.metricErrors({ period, statistic: cloudwatch.Stats.SUM }),
      );
      add(
        `${name}Throttles`,
        `Invocations of the ${name} function were throttled (concurrency exhausted).`,
        fn.metricThrottles({ period, statistic: cloudwatch.Stats.SUM }),
      );
    }
    add(
      'DeadLetters',
      'Order messages reached the dead-letter queue: their orders were not processed.',
      props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(1),
        statistic: cloudwatch.Stats.MAXIMUM,
      }),
      0,
      cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    );
    add(
      'OldestOrderMessage',
      `An order message has waited over ${MAX_ORDER_MESSAGE_AGE.toMinutes()} minutes in the queue.`,
      props.queue.metricApproximateAgeOfOldestMessage({
        period: Duration.minutes(1),
        statistic: cloudwatch.Stats.MAXIMUM,
      }),
      MAX_ORDER_MESSAGE_AGE.toSeconds(),
      cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    );
    add(
      'StrandedOrders',
      'The sweeper could not send the queue message or alert of a stored order.',
      props.sweeperDispatchFailures,
    );
    add(
      'TableThrottledRequests',
      'Requests to the orders table were throttled.',
      props.table.metricThrottledRequestsForOperations({
        operations: [
          dynamodb.Operation.GET_ITEM,
          dynamodb.Operation.PUT_ITEM,
          dynamodb.Operation.UPDATE_ITEM,
          dynamodb.Operation.QUERY,
        ],
        period,
      }),
    );
    add(
      'TableThrottleEvents',
      'Reads or writes of the orders table exceeded its throughput (read + write throttle events).',
      new cloudwatch.MathExpression({
        label: 'Read and write throttle events',
        expression: 'reads + writes',
        usingMetrics: {
          reads: props.table.metric('ReadThrottleEvents', { statistic: cloudwatch.Stats.SUM }),
          writes: props.table.metric('WriteThrottleEvents', { statistic: cloudwatch.Stats.SUM }),
        },
        period,
      }),
    );
    this.alarms = alarms;
  }
}
