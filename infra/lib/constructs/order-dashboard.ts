import { Duration } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** Props of {@link OrderDashboard}. */
export interface OrderDashboardProps {
  /** CloudWatch namespace of the code's embedded-format metrics. */
  readonly metricsNamespace: string;
  /** The `service` dimension of the API's, consumer's and sweeper's metrics. */
  readonly services: { readonly api: string; readonly consumer: string; readonly sweeper: string };
  /** The HTTP API. */
  readonly api: apigw.IHttpApi;
  /** Every function by a short name. */
  readonly functions: Readonly<Record<string, lambda.IFunction>>;
  /** The order queue. */
  readonly queue: sqs.IQueue;
  /** The order queue's dead-letter queue. */
  readonly deadLetterQueue: sqs.IQueue;
}

/**
 * One CloudWatch dashboard for the order system: business metrics the code emits (orders placed
 * and their value, orders processed, dispatch and consumer failures), API traffic and latency
 * percentiles, function errors, and the queues' depth and age.
 */
export class OrderDashboard extends Construct {
  /** The dashboard. */
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: OrderDashboardProps) {
    super(scope, id);
    const period = Duration.minutes(5);
    const business = (
      metricName: string,
      service: string,
      statistic: string = cloudwatch.Stats.SUM,
    ) =>
      new cloudwatch.Metric({
        namespace: props.metricsNamespace,
        metricName,
        dimensionsMap: { service },
        statistic,
        period,
        label: `${metricName} (${service})`,
      });
    const { api: apiService, consumer, sweeper } = props.services;
    const graph = (title: string, left: cloudwatch.IMetric[], right: cloudwatch.IMetric[] = []) =>
      new cloudwatch.GraphWidget({ title, left, right, width: 8, height: 6 });

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      defaultInterval: Duration.hours(3),
      widgets: [
        [
          graph('Orders placed', [business('OrdersPlaced', apiService)]),
          graph('Order value (minor units)', [
            business('OrderValue', apiService),
            business('OrderValue', apiService, cloudwatch.Stats.AVERAGE),
          ]),
          graph('Orders processed and failures', [
            business('OrdersProcessed', consumer),
            business('ConsumerFailures', consumer),
            business('DispatchFailures', apiService),
            business('DispatchFailures', sweeper),
          ]),
        ],
        [
          graph(
            'API latency',
            [cloudwatch.Stats.p(50), cloudwatch.Stats.p(90), cloudwatch.Stats.p(99)].map(
              (statistic) =>
                props.api.metricLatency({ statistic, period, label: `latency ${statistic}` }),
            ),
          ),
          graph('API requests and errors', [
            props.api.metricCount({ period, statistic: cloudwatch.Stats.SUM, label: 'requests' }),
            props.api.metricClientError({ period, statistic: cloudwatch.Stats.SUM, label: '4xx' }),
            props.api.metricServerError({ period, statistic: cloudwatch.Stats.SUM, label: '5xx' }),
          ]),
          graph(
            'Function errors and throttles',
            Object.entries(props.functions).flatMap(([name, fn]) => [
              fn.metricErrors({ period, statistic: cloudwatch.Stats.SUM, label: `${name} errors` }),
              fn.metricThrottles({
                period,
                statistic: cloudwatch.Stats.SUM,
                label: `${name} throttles`,
              }),
            ]),
          ),
        ],
        [
          graph(
            'Order queue depth and age',
            [
              props.queue.metricApproximateNumberOfMessagesVisible({ period, label: 'visible' }),
              props.queue.metricApproximateNumberOfMessagesNotVisible({
                period,
                label: 'in flight',
              }),
            ],
            [
              props.queue.metricApproximateAgeOfOldestMessage({
                period,
                statistic: cloudwatch.Stats.MAXIMUM,
                label: 'oldest message age (s)',
              }),
            ],
          ),
          graph('Dead-letter queue depth', [
            props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
              period,
              statistic: cloudwatch.Stats.MAXIMUM,
              label: 'dead letters',
            }),
          ]),
          graph('GraphQL errors by code', [
            new cloudwatch.MathExpression({
              expression: `SEARCH('{${props.metricsNamespace},code,service} MetricName="GraphqlErrors" service="${apiService}"', 'Sum', ${period.toSeconds()})`,
              label: '',
              period,
            }),
          ]),
        ],
      ],
    });
  }
}
