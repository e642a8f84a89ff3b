import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readOrderStackContext } from '../lib/app-context.js';
import { OrderStack } from '../lib/order-stack.js';

const app = new App();
new OrderStack(app, 'OrderSystem', {
  description: 'Order system: GraphQL API, orders table, FIFO order queue, alerts and alarms',
  ...readOrderStackContext(app.node),
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
