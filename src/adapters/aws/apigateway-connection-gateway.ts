import {
  type ApiGatewayManagementApiClient,
  DeleteConnectionCommand,
  GoneException,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import { type ConnectionGateway, ConnectionGoneError } from '../../realtime/ports.js';
import { callOptions } from './call-budget.js';

/**
 * Headers the close reason travels in. API Gateway ignores them (its clients always see 1000); the
 * local gateway closes the socket with them, as a server speaking the protocol directly would.
 */
export const CLOSE_HEADERS = { code: 'x-close-code', reason: 'x-close-reason' } as const;

const isGone = (error: unknown) =>
  error instanceof GoneException || (error as { name?: string } | null)?.name === 'GoneException';

/** {@link ConnectionGateway} over API Gateway's management API (`@connections`). */
export class ApiGatewayConnectionGateway implements ConnectionGateway {
  constructor(private readonly client: ApiGatewayManagementApiClient) {}

  async send(connectionId: string, message: string): Promise<void> {
    try {
      await this.client.send(
        new PostToConnectionCommand({ ConnectionId: connectionId, Data: message }),
        callOptions(),
      );
    } catch (error) {
      if (isGone(error)) throw new ConnectionGoneError(connectionId, { cause: error });
      throw error;
    }
  }

  async close(connectionId: string, code: number, reason: string): Promise<void> {
    const command = new DeleteConnectionCommand({ ConnectionId: connectionId });
    command.middlewareStack.add(
      (next) => async (args) => {
        const request = args.request as { headers?: Record<string, string> };
        if (request.headers) {
          request.headers[CLOSE_HEADERS.code] = String(code);
          request.headers[CLOSE_HEADERS.reason] = encodeURIComponent(reason);
        }
        return next(args);
      },
      { step: 'build', name: 'closeReason' },
    );
    try {
      await this.client.send(command, callOptions());
    } catch (error) {
      if (!isGone(error)) throw error;
    }
  }
}
