import { App, type AppProps, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readOrderStackContext } from './app-context.js';
import { OrderStack } from './order-stack.js';

/** Construct id (and CloudFormation stack name) of the order system's stack. */
export const ORDER_STACK_ID = 'OrderSystem';

/**
 * The CDK app: the order stack configured from context, checked by cdk-nag's AwsSolutions rules
 * during synthesis (a finding that is not acknowledged on its resource fails the synth).
 */
export function createOrderApp(props?: AppProps): { app: App; stack: OrderStack } {
  const app = new App(props);
  const stack = new OrderStack(app, ORDER_STACK_ID, {
    description: 'Order system: GraphQL API, orders table, FIFO order queue, alerts and alarms',
    ...readOrderStackContext(app.node),
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
}
