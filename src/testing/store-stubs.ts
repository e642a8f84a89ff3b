import type { OrderStore } from '../domain/ports.js';

/** The open-order scan's part of an in-memory {@link OrderStore} with no open orders to scan. */
export const noOpenOrders: Pick<
  OrderStore,
  'listOpen' | 'readDispatchStates' | 'markPending' | 'openScanWatermarks' | 'advanceOpenScan'
> = {
  listOpen: async () => [],
  readDispatchStates: async () => [],
  markPending: async () => false,
  openScanWatermarks: async () => new Map(),
  advanceOpenScan: async () => {},
};
