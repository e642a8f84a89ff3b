import { once } from 'node:events';
import type { Server } from 'node:http';
import dynalite from 'dynalite';
import { buildApp } from 'fauxqs';

export interface Emulators {
  readonly dynamodbEndpoint: string;
  /** Serves both SQS and SNS. */
  readonly messagingEndpoint: string;
  stop(): Promise<void>;
}

export interface EmulatorOptions {
  /** Folder that keeps DynamoDB data across restarts. @default in memory */
  readonly dataPath?: string;
  /** @default a free port */
  readonly dynamodbPort?: number;
  /** @default a free port */
  readonly messagingPort?: number;
}

const LOOPBACK = '127.0.0.1';

/** The SDK endpoints of running emulators: DynamoDB's, and the one that serves SQS and SNS. */
export const emulatorEndpoints = (
  emulators: Pick<Emulators, 'dynamodbEndpoint' | 'messagingEndpoint'>,
) => ({
  dynamodb: emulators.dynamodbEndpoint,
  sqs: emulators.messagingEndpoint,
  sns: emulators.messagingEndpoint,
});

/** Starts dynalite (DynamoDB) and fauxqs (SQS and SNS) in this process, on 127.0.0.1. */
export async function startEmulators(options: EmulatorOptions = {}): Promise<Emulators> {
  const dynamo: Server = dynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    ...(options.dataPath && { path: options.dataPath }),
  });
  dynamo.listen(options.dynamodbPort ?? 0, LOOPBACK);
  await once(dynamo, 'listening');
  const address = dynamo.address();
  if (address === null || typeof address === 'string')
    throw new Error('dynalite has no TCP address');
  // fauxqs's own starter listens on every interface whatever its `host` option (which only names
  // the host in queue URLs); its app, listened on here, is reachable from this machine only.
  const messaging = buildApp({ logger: false, host: LOOPBACK });
  await messaging.listen({ port: options.messagingPort ?? 0, host: LOOPBACK });
  const messagingAddress = messaging.server.address();
  if (messagingAddress === null || typeof messagingAddress === 'string')
    throw new Error('fauxqs has no TCP address');
  return {
    dynamodbEndpoint: `http://${LOOPBACK}:${address.port}`,
    messagingEndpoint: `http://${LOOPBACK}:${messagingAddress.port}`,
    async stop() {
      await messaging.close();
      dynamo.close();
      await once(dynamo, 'close');
    },
  };
}
