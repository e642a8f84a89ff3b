import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulators, startEmulators } from './emulators.js';

let emulators: Emulators;

beforeAll(async () => {
  emulators = await startEmulators();
});

afterAll(() => emulators.stop());

/** Whether a TCP connection to `host` on the endpoint's port is accepted. */
function reachable(endpoint: string, host: string): Promise<boolean> {
  const { port } = new URL(endpoint);
  return new Promise((resolve) => {
    const socket = connect(Number(port), host);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('local emulators', () => {
  // 127.0.0.2 is this machine too, yet only a server listening on every interface accepts it:
  // a stand-in for a connection from another machine that a test can make.
  it.each([
    ['dynalite', 'dynamodbEndpoint'],
    ['fauxqs', 'messagingEndpoint'],
  ] as const)('%s accepts connections on 127.0.0.1 only', async (_, endpoint) => {
    expect(await reachable(emulators[endpoint], '127.0.0.1')).toBe(true);
    expect(await reachable(emulators[endpoint], '127.0.0.2')).toBe(false);
  });
});
