import { once } from 'node:events';
import { connect, createServer, type Socket } from 'node:net';

/** A TCP proxy that delays every chunk of the server's answers by a fixed time. */
export interface DelayProxy {
  /** The target's URL with the proxy's port (TLS passes through untouched). */
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * Starts a proxy on 127.0.0.1 in front of `target` (an http or https URL) that adds `delayMs` to
 * each response, as the network and service time of an AWS endpoint would. Chunks keep their
 * order: timers of equal duration fire in the order they were set.
 */
export async function startDelayProxy(target: string, delayMs: number): Promise<DelayProxy> {
  const { hostname, port } = new URL(target);
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(Number(port), hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream);
    upstream.on('data', (chunk: Buffer) => setTimeout(() => client.write(chunk), delayMs));
    upstream.on('end', () => setTimeout(() => client.end(), delayMs));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('The proxy has no port');
  const url = new URL(target);
  url.port = String(address.port);
  return {
    url: url.origin,
    async stop() {
      for (const socket of sockets) socket.destroy();
      server.close();
      await once(server, 'close');
    },
  };
}
