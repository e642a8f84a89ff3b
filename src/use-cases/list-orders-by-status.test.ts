import { describe, expect, it } from 'vitest';
import type { OrderStore, StatusPage } from '../domain/ports.js';
import { anOrder } from '../testing/orders.js';
import { listOrdersByStatus } from './list-orders-by-status.js';

/** A store whose status listing answers `page`, and nothing else. */
const answering = (page: StatusPage) => ({
  store: { listByStatus: async () => page } as unknown as OrderStore,
});

describe('listOrdersByStatus', () => {
  it('has a next page that continues where the store stopped when it ended a page short', async () => {
    // Prepare: the store read its bounded share of entries and found one order of the status
    const found = anOrder({ status: 'PROCESSING' });
    const stoppedAt = { createdAt: '2026-01-01T00:00:00.000Z', id: `ord_${'0'.repeat(32)}` };
    // Act
    const page = await listOrdersByStatus(answering({ orders: [found], resumeAfter: stoppedAt }), {
      status: 'PROCESSING',
      first: 5,
    });
    // Assess
    expect(page).toEqual({ orders: [found], hasNextPage: true, endAt: stoppedAt });
  });

  it('pages as usual when the store filled the page', async () => {
    const orders = [anOrder(), anOrder(), anOrder()];
    const page = await listOrdersByStatus(answering({ orders }), { status: 'RECEIVED', first: 2 });
    expect(page).toEqual({ orders: orders.slice(0, 2), hasNextPage: true });
  });
});
