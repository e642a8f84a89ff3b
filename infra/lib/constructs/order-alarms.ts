import { Duration } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/**
 * Age of the oldest order message that raises an alarm. A healthy consumer takes seconds; a
 * message still there after this long is stuck or being retried towards the dead-letter queue.
 */
export const MAX_ORDER_MESSAGE_AGE = Duration.minutes(10);

/** The window in which the sweeper, scheduled every 5 minutes, must have run at least once. */
export const SWEEPER_HEARTBEAT_WINDOW = Duration.minutes(15);

/** Metric the GraphQL function emits per error a client receives, by `code` dimension. */
export const GRAPHQL_ERRORS_METRIC = 'GraphqlErrors';

/** Metric each function's loader emits when V8 refuses its code cache (`src/startup/`). */
export const CODE_CACHE_REJECTED_METRIC = 'CodeCacheRejected';

/** Metric counted from the API's access log: requests API Gateway refused with 429. */
export const THROTTLED_API_REQUESTS_METRIC = 'ThrottledApiRequests';

/**
 * Error codes that mean the system, not the client, is at fault, with the number in 5 minutes
 * that raises an alarm. An unexpected error is a bug or a broken permission: one is enough. A
 * dependency's fault or throttling is retried by clients and the sweeper: a few are noise.
 */
export const SYSTEM_FAULT_CODES = { INTERNAL_SERVER_ERROR: 1, SERVICE_UNAVAILABLE: 5 } as const;

/** Failed queue sends or alert publishes of the API in 5 minutes that raise an alarm. */
export const API_DISPATCH_FAILURES_THRESHOLD = 5;

/** Share of API requests answered 4xx (percent, over 5 minutes, at ≥ 20 requests) that alarms. */
export const API_4XX_RATE_PERCENT = 25;

/** Requests refused with 429 by the stage's throttle in 5 minutes that raise an alarm. */
export const API_THROTTLED_THRESHOLD = 10;

/** Props of {@link OrderAlarms}. */
export interface OrderAlarmsProps {
  /** Where alarms (and their return to OK) are sent. */
  readonly topic: sns.ITopic;
  /** The HTTP API; 5xx answers, the 4xx rate and throttled requests raise alarms. */
  readonly api: apigw.IHttpApi;
  /** The API's JSON access log (with `status`); 429 answers are counted from it. */
  readonly apiAccessLogs: logs.ILogGroup;
  /** Every function by a short name used in alarm descriptions. */
  readonly functions: Readonly<Record<string, lambda.IFunction>>;
  /** The sweeper: an alarm fires when it is not invoked on schedule. */
  readonly sweeper: lambda.IFunction;
  /** The order queue. */
  readonly queue: sqs.IQueue;
  /** The order queue's dead-letter queue. */
  readonly deadLetterQueue: sqs.IQueue;
  /** The orders table. */
  readonly table: dynamodb.ITable;
  /** CloudWatch namespace of the metrics the functions emit. */
  readonly metricsNamespace: string;
  /**
   * The `service` dimension of every function's metrics: the API's and the sweeper's by name; all
   * of them for the code-cache alarm.
   */
  readonly services: Readonly<Record<string, string>> & {
    readonly api: string;
    readonly sweeper: string;
  };
  /**
   * Prefix of each alarm's runbook link (`<prefix>docs/runbooks/<page>.md`), e.g. the URL of the
   * repository's main branch.
   * @default '' (a path relative to the repository root)
   */
  readonly runbookBaseUrl?: string;
}

/**
 * The alarms of the order system, each sending to the operations topic and linking its runbook
 * in its description: API 5xx, 4xx rate and throttled requests; GraphQL errors that are the
 * system's fault; failed dispatches of the API and the sweeper, and orders stranded over 15
 * minutes; errors and throttles of every function; a sweeper that stopped running; messages in the dead-letter queue; an old message in
 * the order queue; throttled table requests. Except for the sweeper's heartbeat, missing data
 * counts as fine (no traffic, no alarm).
 */
export class OrderAlarms extends Construct {
  /** Every alarm, by construct id. */
  readonly alarms: Readonly<Record<string, cloudwatch.Alarm>>;
  /** The runbook page of every alarm, by construct id (relative to the repository root). */
  readonly runbooks: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: OrderAlarmsProps) {
    super(scope, id);
    const alarms: Record<string, cloudwatch.Alarm> = {};
    const runbooks: Record<string, string> = {};
    const period = Duration.minutes(5);
    const sum = { period, statistic: cloudwatch.Stats.SUM };
    const add = (
      alarmId: string,
      runbook: string,
      description: string,
      metric: cloudwatch.IMetric,
      options: {
        threshold?: number;
        comparisonOperator?: cloudwatch.ComparisonOperator;
        treatMissingData?: cloudwatch.TreatMissingData;
      } = {},
    ) => {
      const page = `docs/runbooks/${runbook}.md`;
      const alarm = new cloudwatch.Alarm(this, alarmId, {
        alarmDescription: `${description} Runbook: ${props.runbookBaseUrl ?? ''}${page}`,
        metric,
        threshold: options.threshold ?? 1,
        comparisonOperator:
          options.comparisonOperator ??
          cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: options.treatMissingData ?? cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      alarm.addAlarmAction(new actions.SnsAction(props.topic));
      alarm.addOkAction(new actions.SnsAction(props.topic));
      alarms[alarmId] = alarm;
      runbooks[alarmId] = page;
    };
    const custom = (metricName: string, dimensionsMap: Record<string, string>) =>
      new cloudwatch.Metric({
        namespace: props.metricsNamespace,
        metricName,
        dimensionsMap,
        ...sum,
      });

    add(
      'Api5xx',
      'api-5xx',
      'The GraphQL API answered with a 5xx status.',
      props.api.metricServerError(sum),
    );
    add(
      'Api4xxRate',
      'api-4xx-rate',
      `Over ${API_4XX_RATE_PERCENT} % of API requests were refused with a 4xx status (401 without a valid token, 400 malformed, 413, 429).`,
      new cloudwatch.MathExpression({
        label: '4xx share of requests (%)',
        // Below 20 requests the share says little; FILL because 4xx has no datapoint without one.
        expression: 'IF(requests >= 20, 100 * FILL(clientErrors, 0) / requests, 0)',
        usingMetrics: {
          requests: props.api.metricCount(sum),
          clientErrors: props.api.metricClientError(sum),
        },
        period,
      }),
      { threshold: API_4XX_RATE_PERCENT },
    );
    new logs.MetricFilter(this, 'ThrottledApiRequestsFilter', {
      logGroup: props.apiAccessLogs,
      filterPattern: logs.FilterPattern.stringValue('$.status', '=', '429'),
      metricNamespace: props.metricsNamespace,
      metricName: THROTTLED_API_REQUESTS_METRIC,
      metricValue: '1',
    });
    add(
      'ApiThrottled',
      'api-throttled',
      `The API stage's throttle refused ${API_THROTTLED_THRESHOLD} or more requests with 429 in 5 minutes.`,
      custom(THROTTLED_API_REQUESTS_METRIC, {}),
      { threshold: API_THROTTLED_THRESHOLD },
    );
    for (const [code, threshold] of Object.entries(SYSTEM_FAULT_CODES)) {
      const name = code === 'INTERNAL_SERVER_ERROR' ? 'InternalErrors' : 'ServiceUnavailable';
      add(
        `Graphql${name}`,
        `graphql-${code.toLowerCase().replaceAll('_', '-')}`,
        `GraphQL answered ${threshold} or more errors with code ${code} in 5 minutes (HTTP 200, so API 5xx does not see them).`,
        custom(GRAPHQL_ERRORS_METRIC, { service: props.services.api, code }),
        { threshold },
      );
    }
    add(
      'ApiDispatchFailures',
      'dispatch-failures',
      `placeOrder failed ${API_DISPATCH_FAILURES_THRESHOLD} or more queue sends or alert publishes in 5 minutes; retries and the sweeper complete them.`,
      custom('DispatchFailures', { service: props.services.api }),
      { threshold: API_DISPATCH_FAILURES_THRESHOLD },
    );
    add(
      'StrandedOrders',
      'stranded-orders',
      'The sweeper could not send the queue message or alert of a stored order.',
      custom('DispatchFailures', { service: props.services.sweeper }),
    );
    add(
      'OrdersStrandedTooLong',
      'orders-stranded-too-long',
      'Stored orders have waited more than 15 minutes for their queue message or alert; the sweeper keeps failing on them.',
      new cloudwatch.Metric({
        namespace: props.metricsNamespace,
        metricName: 'StrandedOrders',
        dimensionsMap: { service: props.services.sweeper },
        statistic: cloudwatch.Stats.MAXIMUM,
        period,
      }),
    );
    add(
      'SweeperHeartbeat',
      'sweeper-heartbeat',
      `The sweeper was not invoked for ${SWEEPER_HEARTBEAT_WINDOW.toMinutes()} minutes (schedule disabled or its permission broken): stranded orders stay stranded.`,
      props.sweeper.metricInvocations({
        period: SWEEPER_HEARTBEAT_WINDOW,
        statistic: cloudwatch.Stats.SUM,
      }),
      {
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      },
    );
    for (const [name, fn] of Object.entries(props.functions)) {
      add(
        `${name}Errors`,
        'function-errors',
        `The ${name} function failed (uncaught error or timeout).`,
        fn.metricErrors(sum),
      );
      add(
        `${name}Throttles`,
        'function-throttles',
        `Invocations of the ${name} function were throttled (concurrency exhausted).`,
        fn.metricThrottles(sum),
      );
    }
    add(
      'DeadLetters',
      'dead-letters',
      'Order messages reached the dead-letter queue: their orders were not processed.',
      props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(1),
        statistic: cloudwatch.Stats.MAXIMUM,
      }),
      { threshold: 0, comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD },
    );
    add(
      'OldestOrderMessage',
      'oldest-order-message',
      `An order message has waited over ${MAX_ORDER_MESSAGE_AGE.toMinutes()} minutes in the queue.`,
      props.queue.metricApproximateAgeOfOldestMessage({
        period: Duration.minutes(1),
        statistic: cloudwatch.Stats.MAXIMUM,
      }),
      {
        threshold: MAX_ORDER_MESSAGE_AGE.toSeconds(),
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      },
    );
    const operations = [
      dynamodb.Operation.GET_ITEM,
      dynamodb.Operation.PUT_ITEM,
      dynamodb.Operation.UPDATE_ITEM,
      dynamodb.Operation.QUERY,
    ];
    add(
      'TableThrottledRequests',
      'table-throttling',
      'Requests to the orders table were throttled.',
      sumOfSparseMetrics(
        'Throttled requests across operations',
        Object.fromEntries(
          operations.map((operation) => [
            operation.toLowerCase(),
            props.table.metric('ThrottledRequests', {
              ...sum,
              dimensionsMap: { TableName: props.table.tableName, Operation: operation },
            }),
          ]),
        ),
        period,
      ),
    );
    add(
      'TableThrottleEvents',
      'table-throttling',
      'Reads or writes of the orders table exceeded its throughput (read + write throttle events).',
      sumOfSparseMetrics(
        'Read and write throttle events',
        {
          reads: props.table.metric('ReadThrottleEvents', sum),
          writes: props.table.metric('WriteThrottleEvents', sum),
        },
        period,
      ),
    );
    add(
      'CodeCacheRejected',
      'code-cache-rejected',
      'A function started without its V8 code cache (Node.js version or V8 flags differ from the ones it was made for): cold starts are slower until the package is rebuilt.',
      sumOfSparseMetrics(
        'Cold starts with a rejected code cache',
        Object.fromEntries(
          Object.values(props.services).map((service, i) => [
            `service${i}`,
            custom(CODE_CACHE_REJECTED_METRIC, { service }),
          ]),
        ),
        period,
      ),
    );
    this.alarms = alarms;
    this.runbooks = runbooks;
  }
}

/**
 * The sum of metrics that exist only while something happens (throttling): a plain `a + b` has
 * no datapoint when one term is missing, so with missing data treated as fine the alarm would
 * never fire on one kind alone. Each term is filled with 0.
 */
function sumOfSparseMetrics(
  label: string,
  metrics: Record<string, cloudwatch.IMetric>,
  period: Duration,
): cloudwatch.MathExpression {
  return new cloudwatch.MathExpression({
    label,
    expression: Object.keys(metrics)
      .map((name) => `FILL(${name}, 0)`)
      .join(' + '),
    usingMetrics: metrics,
    period,
  });
}
