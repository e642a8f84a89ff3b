import { once } from 'node:events';
import { Agent, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpGateway, type HttpApiHandler } from './http-gateway.js';

const MiB = 1024 * 1024;

/** Answers with the size of the body API Gateway would have handed to the function. */
const echoSize: HttpApiHandler = async (event) => ({
  statusCode: 200,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ bytes: Buffer.byteLength(event.body ?? '') }),
});

const gateway = createHttpGateway(echoSize);
let connections = 0;
let port: number;

beforeAll(async () => {
  gateway.on('connection', () => {
    connections += 1;
  });
  gateway.listen(0, '127.0.0.1');
  await once(gateway, 'listening');
  port = (gateway.address() as AddressInfo).port;
});

afterAll(async () => {
  gateway.closeAllConnections();
  gateway.close();
  await once(gateway, 'close');
});

interface Answer {
  readonly status: number;
  readonly body: string;
}

/** One POST on `agent`; `chunked` sends the body in pieces without a content-length. */
function post(agent: Agent, body: Buffer, chunked = false): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/graphql',
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          ...(!chunked && { 'content-length': body.length }),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }),
        );
      },
    );
    req.on('error', reject);
    if (chunked) {
      for (let at = 0; at < body.length; at += 64 * 1024)
        req.write(body.subarray(at, at + 64 * 1024));
      req.end();
    } else {
      req.end(body);
    }
  });
}

const small = Buffer.from('{"query":"{ __typename }"}');

describe('local API gateway', () => {
  it.each([
    ['declared by content-length', false],
    ['sent in chunks', true],
  ])(
    'keeps serving one keep-alive connection after refusing a 2 MiB body %s',
    async (_, chunked) => {
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      const before = connections;

      const refused = await post(agent, Buffer.alloc(2 * MiB, 'x'), chunked);
      const next = [await post(agent, small), await post(agent, small), await post(agent, small)];

      expect(refused.status).toBe(413);
      expect(next.map((a) => a.status)).toEqual([200, 200, 200]);
      expect(next[0]?.body).toBe(`{"bytes":${small.length}}`);
      expect(connections - before).toBe(1);
      agent.destroy();
    },
  );

  it('passes a body of exactly 1 MiB and refuses one byte more', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });

    const atLimit = await post(agent, Buffer.alloc(MiB, 'x'));
    const past = await post(agent, Buffer.alloc(MiB + 1, 'x'));
    const after = await post(agent, small);

    expect(atLimit).toEqual({ status: 200, body: `{"bytes":${MiB}}` });
    expect(past.status).toBe(413);
    expect(after.status).toBe(200);
    agent.destroy();
  });

  it('answers the next requests when fetch reuses its connection after a 413', async () => {
    const url = `http://127.0.0.1:${port}/graphql`;
    const send = (body: string) =>
      fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

    const refused = await send('x'.repeat(2 * MiB));
    await refused.arrayBuffer();
    const first = await send(small.toString());
    const second = await send(small.toString());

    expect([refused.status, first.status, second.status]).toEqual([413, 200, 200]);
    expect(await second.json()).toEqual({ bytes: small.length });
  });
});
