import { inject } from 'vitest';

// The SDK reads credentials and endpoints from the environment; the emulators accept any keys.
const { dynamodbEndpoint, messagingEndpoint } = inject('emulators');
Object.assign(process.env, {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
  AWS_ENDPOINT_URL_DYNAMODB: dynamodbEndpoint,
  AWS_ENDPOINT_URL_SQS: messagingEndpoint,
  AWS_ENDPOINT_URL_SNS: messagingEndpoint,
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
});
