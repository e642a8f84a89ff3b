import { once } from 'node:events';
import type { Server } from 'node:http';
import dynalite from 'dynalite';
import { startFauxqs } from 'fauxqs';

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

/** Starts dynalite (DynamoDB) and fauxqs (SQS and SNS) in this process, on 127.0.0.1. */
export async function startEmulators(options: EmulatorOptions = {}): Promise<Emulators> {
  const dynamo: Server = dynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    ...(options.dataPath && { path: options.dataPath }),
  });
  dynamo.listen(options.dynamodbPort ?? 0, '127.0.0.1');
  await once(dynamo, 'listening');
  const address = dynamo.address();
  if (address === null || typeof address === 'string')
    throw new Error('dynalite has no TCP address');
  const messaging = await startFauxqs({
    port: options.messagingPort ?? 0,
    host: '127.0.0.1',
    logger: false,
  });
  return {
    dynamodbEndpoint: `http://127.0.0.1:${address.port}`,
    messagingEndpoint: `http://127.0.0.1:${messaging.port}`,
    async stop() {
      await messaging.stop();
      dynamo.close();
      await once(dynamo, 'close');
    },
  };
}
