import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { withCallBudget } from '../adapters/aws/call-budget.js';
import { recordCompletionOnly } from '../domain/order-processing.js';
import { createLocalSigningKey, LOCAL_ISSUER, type LocalSigningKey } from '../local/dev-tokens.js';
import { orderInput, PLACE_ORDER } from '../testing/graphql-client.js';
import { createTestOrderSystem, type TestOrderSystem } from '../testing/order-system.js';
import { startTestRealtime, subscribe, type TestRealtime } from '../testing/realtime.js';
import { processOrder } from '../use-cases/process-order.js';
import { ALL_ORDERS as ALL_ORDERS_TOPIC } from './ports.js';
import { reconcileSubscriptions } from './reconcile.js';

const ORDER_UPDATED = 'subscription Watch($id: ID!) { orderUpdated(id: $id) { id status } }';
const ORDERS_UPDATED =
  'subscription Mine($customerId: ID!) { ordersUpdated(customerId: $customerId) { id status customerId } }';
const ALL_ORDERS = 'subscription { allOrdersUpdated { id status } }';
const CANCEL = 'mutation Cancel($id: ID!) { cancelOrder(id: $id) { id status } }';

interface Watched {
  orderUpdated?: { id: string; status: string };
  ordersUpdated?: { id: string; status: string; customerId: string };
  allOrdersUpdated?: { id: string; status: string };
}
interface Placed {
  placeOrder: { order: { id: string; status: string } };
}

let sys: TestOrderSystem;
let t: TestRealtime;

beforeAll(async () => {
  sys = await createTestOrderSystem();
  t = await startTestRealtime(sys);
});
afterAll(() => t.stop());

async function place(customerId = `c-${randomUUID()}`, rt: TestRealtime = t, auth?: string) {
  const result = await rt.post<Placed>(PLACE_ORDER, { input: orderInput({ customerId }) }, auth);
  expect(result.errors).toBeUndefined();
  return result.data?.placeOrder.order.id ?? '';
}

/** The order processor takes the order's queue message, as `npm start` runs it. */
async function processWith(rt: TestRealtime, id: string) {
  expect(await rt.consume(id)).toEqual({ batchItemFailures: [] });
}

/** Opens a raw socket speaking the protocol, for what graphql-ws's client never sends. */
async function rawSocket(rt: TestRealtime = t, protocol = 'graphql-transport-ws', query = '') {
  const socket = new WebSocket(`${rt.wsUrl}${query}`, protocol);
  await once(socket, 'open');
  const messages: Record<string, unknown>[] = [];
  socket.on('message', (data) => messages.push(JSON.parse(String(data))));
  const closed = once(socket, 'close').then(([code, reason]) => ({
    code: code as number,
    reason: String(reason),
  }));
  const nextMessage = async () => {
    while (messages.length === 0) await once(socket, 'message');
    return messages.shift();
  };
  return { socket, closed, nextMessage, send: (m: unknown) => socket.send(JSON.stringify(m)) };
}

describe('orderUpdated over WebSocket (local runtime)', () => {
  it('sends RECEIVED, PROCESSING, COMPLETED in order and then completes', async () => {
    const id = await place();
    const stream = subscribe<Watched>(t.client(), ORDER_UPDATED, { id });

    expect((await stream.next()).data?.orderUpdated?.status).toBe('RECEIVED');
    await processWith(t, id);

    expect((await stream.next()).data?.orderUpdated).toEqual({ id, status: 'PROCESSING' });
    expect((await stream.next()).data?.orderUpdated).toEqual({ id, status: 'COMPLETED' });
    await stream.done;
    expect(stream.buffered).toBe(0);
    expect(t.publishFailures).toEqual([]);
  });

  it('sends CANCELLED and completes when the order is cancelled over HTTP', async () => {
    const id = await place();
    const stream = subscribe<Watched>(t.client(), ORDER_UPDATED, { id });
    expect((await stream.next()).data?.orderUpdated?.status).toBe('RECEIVED');

    expect((await t.post(CANCEL, { id })).errors).toBeUndefined();

    expect((await stream.next()).data?.orderUpdated).toEqual({ id, status: 'CANCELLED' });
    await stream.done;
  });

  it('sends the final state at once and completes when the order is already finished', async () => {
    const id = await place();
    await processWith(t, id);

    const stream = subscribe<Watched>(t.client(), ORDER_UPDATED, { id });

    expect((await stream.next()).data?.orderUpdated?.status).toBe('COMPLETED');
    await stream.done;
  });

  it('gives two subscribers of one order the same events', async () => {
    const id = await place();
    const first = subscribe<Watched>(t.client(), ORDER_UPDATED, { id });
    const second = subscribe<Watched>(t.client(), ORDER_UPDATED, { id });
    await Promise.all([first.next(), second.next()]);

    await processWith(t, id);

    for (const stream of [first, second]) {
      expect((await stream.next()).data?.orderUpdated?.status).toBe('PROCESSING');
      expect((await stream.next()).data?.orderUpdated?.status).toBe('COMPLETED');
      await stream.done;
    }
  });

  it('answers NOT_FOUND for an unknown order id', async () => {
    const stream = subscribe<Watched>(t.client(), ORDER_UPDATED, { id: 'ord_unknown' });

    await expect(stream.done).rejects.toEqual([
      expect.objectContaining({ extensions: { code: 'NOT_FOUND', field: 'id' } }),
    ]);
  });

  it('refuses an operation over the query limits once, at subscribe', async () => {
    const aliases = Array.from({ length: 11 }, (_, i) => `a${i}: id`).join(' ');
    const stream = subscribe(t.client(), `subscription { allOrdersUpdated { ${aliases} } }`);

    await expect(stream.done).rejects.toEqual([
      expect.objectContaining({
        message: expect.stringMatching(/Aliases limit/),
        extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
      }),
    ]);
  });

  it('refuses queries over WebSocket with a validation error', async () => {
    const stream = subscribe(t.client(), '{ order(id: "x") { id } }');

    await expect(stream.done).rejects.toEqual([
      expect.objectContaining({
        message: expect.stringMatching(/Only subscriptions/),
        extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
      }),
    ]);
  });
});

describe('ordersUpdated and allOrdersUpdated', () => {
  it("sends a customer's new orders and their changes, and every order to allOrdersUpdated, once the processor takes them", async () => {
    const customerId = `c-${randomUUID()}`;
    const client = t.client();
    const connected = t.handled('$connect');
    const mine = subscribe<Watched>(client, ORDERS_UPDATED, { customerId });
    const everyone = subscribe<Watched>(client, ALL_ORDERS);
    // connection_init and both subscribes: wait until both subscriptions are stored.
    await t.handledCount('$default', await connected, 3);

    const other = await place();
    const id = await place(customerId);
    await processWith(t, other);
    await processWith(t, id);

    const lifecycle = ['RECEIVED', 'PROCESSING', 'COMPLETED'];
    const statuses = [await mine.next(), await mine.next(), await mine.next()].map(
      (e) => e.data?.ordersUpdated,
    );
    expect(statuses).toEqual(lifecycle.map((status) => ({ id, status, customerId })));
    const all = await Promise.all(Array.from({ length: 6 }, () => everyone.next()));
    expect(all.map((e) => e.data?.allOrdersUpdated)).toEqual([
      ...lifecycle.map((status) => ({ id: other, status })),
      ...lifecycle.map((status) => ({ id, status })),
    ]);
    expect(t.publishFailures).toEqual([]);
    mine.unsubscribe();
    everyone.unsubscribe();
  });

  it('publishes the current state again when the processor meets an order already finished', async () => {
    const customerId = `c-${randomUUID()}`;
    const id = await place(customerId);
    await processWith(t, id);
    const client = t.client();
    const connected = t.handled('$connect');
    const mine = subscribe<Watched>(client, ORDERS_UPDATED, { customerId });
    await t.handledCount('$default', await connected, 2);

    // A redelivery of the order's message.
    await processWith(t, id);

    expect((await mine.next()).data?.ordersUpdated).toEqual({
      id,
      status: 'COMPLETED',
      customerId,
    });
    mine.unsubscribe();
  });
});

describe('authorization (AUTH_MODE=jwt)', () => {
  let key: LocalSigningKey;
  let secured: TestRealtime;
  const bearer = async (subject: string, groups: string[] = []) =>
    `Bearer ${await key.sign({ subject, groups })}`;

  beforeAll(async () => {
    key = await createLocalSigningKey();
    secured = await startTestRealtime(sys, {
      mode: 'jwt',
      adminGroup: 'admins',
      publicKey: key.publicKeyPem,
      issuer: LOCAL_ISSUER,
    });
  });
  afterAll(() => secured.stop());

  it("refuses a customer another customer's order as not found, and their list as FORBIDDEN", async () => {
    const owner = `c-${randomUUID()}`;
    const id = await place(owner, secured, await bearer(owner));
    const intruder = secured.client(await bearer(`c-${randomUUID()}`));

    await expect(subscribe(intruder, ORDER_UPDATED, { id }).done).rejects.toEqual([
      expect.objectContaining({ extensions: { code: 'NOT_FOUND', field: 'id' } }),
    ]);
    await expect(subscribe(intruder, ORDERS_UPDATED, { customerId: owner }).done).rejects.toEqual([
      expect.objectContaining({ extensions: { code: 'FORBIDDEN', field: 'customerId' } }),
    ]);
    await expect(subscribe(intruder, ALL_ORDERS).done).rejects.toEqual([
      expect.objectContaining({ extensions: { code: 'FORBIDDEN' } }),
    ]);
  });

  it('lets the owner and an admin follow the order', async () => {
    const owner = `c-${randomUUID()}`;
    const id = await place(owner, secured, await bearer(owner));

    const own = subscribe<Watched>(secured.client(await bearer(owner)), ORDER_UPDATED, { id });
    const admin = subscribe<Watched>(
      secured.client(await bearer('ops', ['admins'])),
      ORDER_UPDATED,
      { id },
    );

    expect((await own.next()).data?.orderUpdated?.status).toBe('RECEIVED');
    expect((await admin.next()).data?.orderUpdated?.status).toBe('RECEIVED');
    own.unsubscribe();
    admin.unsubscribe();
  });

  it('closes with 4401 a connection_init without a valid token, and a subscribe before it', async () => {
    const forged = await rawSocket(secured);
    forged.send({ type: 'connection_init', payload: { authorization: 'Bearer not.a.token' } });
    expect(await forged.closed).toEqual({ code: 4401, reason: 'Unauthorized' });

    const missing = await rawSocket(secured);
    missing.send({ type: 'connection_init' });
    expect((await missing.closed).code).toBe(4401);

    const early = await rawSocket(secured);
    early.send({ type: 'subscribe', id: '1', payload: { query: ALL_ORDERS } });
    expect((await early.closed).code).toBe(4401);
  });

  it('refuses the handshake with 401 for a bad token in the query string', async () => {
    const socket = new WebSocket(
      `${secured.wsUrl}?authorization=Bearer%20forged`,
      'graphql-transport-ws',
    );
    const [, response] = await once(socket, 'unexpected-response');

    expect(response.statusCode).toBe(401);
  });

  it('accepts a token in the query string checked at connect', async () => {
    const token = (await bearer('ops', ['admins'])).slice('Bearer '.length);
    const raw = await rawSocket(secured, 'graphql-transport-ws', `?token=${token}`);
    raw.send({ type: 'connection_init' });

    expect(await raw.nextMessage()).toEqual({ type: 'connection_ack' });
    raw.socket.close(1000);
    await raw.closed;
  });
});

describe('the protocol', () => {
  it('answers ping with pong', async () => {
    const raw = await rawSocket();
    raw.send({ type: 'connection_init' });
    expect(await raw.nextMessage()).toEqual({ type: 'connection_ack' });

    raw.send({ type: 'ping', payload: { at: 1 } });

    expect(await raw.nextMessage()).toEqual({ type: 'pong', payload: { at: 1 } });
    raw.socket.close(1000);
    await raw.closed;
  });

  it('closes with 4400 a message that is not the protocol', async () => {
    const raw = await rawSocket();
    raw.socket.send('not json');

    expect((await raw.closed).code).toBe(4400);
  });

  it('closes with 4400 a message only the server may send', async () => {
    const raw = await rawSocket();
    raw.send({ type: 'connection_ack' });

    expect(await raw.closed).toEqual({
      code: 4400,
      reason: 'Unexpected message of type connection_ack received',
    });
  });

  it('closes with 4429 a second connection_init', async () => {
    const raw = await rawSocket();
    raw.send({ type: 'connection_init' });
    expect(await raw.nextMessage()).toEqual({ type: 'connection_ack' });

    raw.send({ type: 'connection_init' });

    expect(await raw.closed).toEqual({ code: 4429, reason: 'Too many initialisation requests' });
  });

  it('closes with 4409 a subscribe that reuses an active id', async () => {
    const raw = await rawSocket();
    raw.send({ type: 'connection_init' });
    await raw.nextMessage();
    raw.send({ type: 'subscribe', id: 'a', payload: { query: ALL_ORDERS } });
    raw.send({ type: 'subscribe', id: 'a', payload: { query: ALL_ORDERS } });

    expect(await raw.closed).toEqual({ code: 4409, reason: 'Subscriber for a already exists' });
  });

  it('closes with 1009 a message over the size limit', async () => {
    const raw = await rawSocket();
    raw.send({ type: 'connection_init', payload: { padding: 'x'.repeat(20_000) } });

    expect((await raw.closed).code).toBe(1009);
  });

  it('refuses a handshake without the graphql-transport-ws subprotocol', async () => {
    const socket = new WebSocket(t.wsUrl, 'graphql-ws');
    const [, response] = await once(socket, 'unexpected-response');

    expect(response.statusCode).toBe(400);
  });

  it('closes with 4429 a subscription over the per-connection limit, and a connection over the per-caller limit', async () => {
    const limited = await startTestRealtime(
      sys,
      { mode: 'off' },
      {
        subscriptionsPerConnection: 2,
        connectionsPerCaller: 1,
      },
    );
    try {
      const raw = await rawSocket(limited);
      raw.send({ type: 'connection_init' });
      await raw.nextMessage();
      for (const id of ['1', '2', '3'])
        raw.send({ type: 'subscribe', id, payload: { query: ALL_ORDERS } });
      expect(await raw.closed).toEqual({ code: 4429, reason: 'Too many subscriptions' });

      const first = await rawSocket(limited);
      first.send({ type: 'connection_init' });
      await first.nextMessage();
      const second = await rawSocket(limited);
      second.send({ type: 'connection_init' });
      expect(await second.closed).toEqual({ code: 4429, reason: 'Too many connections' });
      first.socket.close(1000);
      await first.closed;
    } finally {
      await limited.stop();
    }
  });
});

describe('cleanup and catching up', () => {
  it('forgets a connection and its subscriptions when the client completes and disconnects', async () => {
    const client = t.client();
    const connected = t.handled('$connect');
    const stream = subscribe(client, ALL_ORDERS);
    const connectionId = await connected;
    await t.handledCount('$default', connectionId, 2);
    expect((await t.connectionItems(connectionId)).map((i) => i.sk)).toEqual(
      expect.arrayContaining(['connection', expect.stringMatching(/^sub#/)]),
    );

    const disconnected = t.handled('$disconnect', connectionId);
    stream.unsubscribe();
    await disconnected;

    expect(await t.connectionItems(connectionId)).toEqual([]);
  });

  it('cleans up after a dropped connection', async () => {
    const connected = t.handled('$connect');
    const raw = await rawSocket();
    const connectionId = await connected;
    raw.send({ type: 'connection_init' });
    await raw.nextMessage();
    raw.send({ type: 'subscribe', id: '1', payload: { query: ALL_ORDERS } });
    await t.handledCount('$default', connectionId, 2);

    const disconnected = t.handled('$disconnect', connectionId);
    raw.socket.terminate();
    await disconnected;

    expect(await t.connectionItems(connectionId)).toEqual([]);
  });

  it('removes a connection whose client is gone (GoneException) when publishing', async () => {
    const id = await place();
    const order = await sys.deps.store.get(id);
    const connectionId = `gone-${randomUUID()}`;
    await t.realtime.registry.addConnection({
      connectionId,
      connectedAt: Date.now(),
      acknowledged: true,
    });
    await t.realtime.registry.addSubscription({
      connectionId,
      id: '1',
      topic: `order#${id}`,
      field: 'orderUpdated',
      query: ORDER_UPDATED,
      variables: { id },
    });

    await t.realtime.publish(order ?? expect.fail('stored'));

    expect(await t.connectionItems(connectionId)).toEqual([]);
  });

  it('sends a missed final status when reconciling', async () => {
    const id = await place();
    const stream = subscribe<Watched>(t.client(), ORDER_UPDATED, { id });
    expect((await stream.next()).data?.orderUpdated?.status).toBe('RECEIVED');
    // Stored without publishing, as when the function stopped between the write and the publish.
    await processOrder(
      { store: sys.deps.store, clock: sys.deps.clock, fulfilment: recordCompletionOnly },
      id,
    );

    const summary = await reconcileSubscriptions({ ...t.realtime, store: sys.deps.store });

    expect(summary).toMatchObject({ caughtUp: 1, failed: 0, truncated: false });
    expect((await stream.next()).data?.orderUpdated?.status).toBe('COMPLETED');
    await stream.done;
  });

  it('reconciles only orderUpdated subscriptions, at most as many as a run may read', async () => {
    const local = await startTestRealtime(sys);
    try {
      const client = local.client();
      const connected = local.handled('$connect');
      const ids = [await place(undefined, local), await place(undefined, local)];
      const watching = ids.map((id) => subscribe<Watched>(client, ORDER_UPDATED, { id }));
      subscribe(client, ALL_ORDERS);
      subscribe(client, ORDERS_UPDATED, { customerId: 'c-any' });
      await local.handledCount('$default', await connected, 5);
      await Promise.all(watching.map((w) => w.next()));
      const deps = { ...local.realtime, store: sys.deps.store };

      expect(await reconcileSubscriptions(deps)).toEqual({
        checked: 2,
        caughtUp: 0,
        failed: 0,
        truncated: false,
      });
      expect(await reconcileSubscriptions(deps, { maxPerRun: 1 })).toMatchObject({
        checked: 1,
        truncated: true,
      });
    } finally {
      await local.stop();
    }
  });

  it('leaves nothing in the subscription table once every client is gone', async () => {
    const local = await startTestRealtime(sys);
    const id = await place(undefined, local);
    const stream = subscribe<Watched>(local.client(), ORDER_UPDATED, { id });
    await stream.next();
    subscribe(local.client(), ALL_ORDERS);
    await local.handled('$default');

    await local.stop();

    expect(await local.items()).toEqual([]);
  });
});

describe('publishing within a request', () => {
  it('makes no subscription-table or connection call once the budget of its request has run out', async () => {
    const spent = <T>(work: () => Promise<T>) => withCallBudget(0, work);

    await expect(
      spent(() => t.realtime.registry.subscribersOf([ALL_ORDERS_TOPIC])),
    ).rejects.toMatchObject({ name: 'AbortError' });
    await expect(
      spent(() => t.realtime.gateway.send(`gone-${randomUUID()}`, '{}')),
    ).rejects.toMatchObject({ name: 'AbortError' });
  });
});
