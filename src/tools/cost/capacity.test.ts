import { describe, expect, it } from 'vitest';
import {
  getItemUnits,
  type IndexSchema,
  type Item,
  indexWriteUnits,
  itemSize,
  queryUnits,
  type TableSchema,
  valueSize,
  writeUnits,
} from './capacity.js';

const byCustomer: IndexSchema = {
  name: 'byCustomer',
  keys: ['customerId', 'sortKey'],
  projection: 'KEYS_ONLY',
};
const withStatus: IndexSchema = {
  name: 'withStatus',
  keys: ['customerId', 'sortKey'],
  projection: 'INCLUDE',
  nonKeyAttributes: ['status'],
};
const byStatus: IndexSchema = {
  name: 'byStatus',
  keys: ['statusKey', 'sortKey'],
  projection: 'ALL',
};
const table: TableSchema = { keys: ['id'], indexes: [byCustomer, withStatus, byStatus] };

/** An item of about `bytes` bytes: `pad` fills the rest. */
const order = (extra: Record<string, string>, bytes = 0): Item => {
  const base: Record<string, { S: string }> = {
    id: { S: 'o1' },
    customerId: { S: 'c1' },
    sortKey: { S: 's1' },
  };
  for (const [k, v] of Object.entries(extra)) base[k] = { S: v };
  const size = itemSize(base);
  return bytes > size ? { ...base, pad: { S: 'x'.repeat(bytes - size - 3) } } : base;
};

describe('item sizes', () => {
  it('counts names and values in UTF-8 bytes', () => {
    // Prepare: "id"(2) + "o1"(2); "name"(4) + "é"(2 bytes in UTF-8)
    const item: Item = { id: { S: 'o1' }, name: { S: 'é' } };
    // Assess
    expect(itemSize(item)).toBe(2 + 2 + 4 + 2);
  });

  it('counts a number as one byte per two significant digits plus one', () => {
    expect(valueSize({ N: '12345' })).toBe(4); // 3 + 1
    expect(valueSize({ N: '1000' })).toBe(2); // trailing zeros trimmed: "1"
    expect(valueSize({ N: '0.0012' })).toBe(2); // "12"
    expect(valueSize({ N: '-7' })).toBe(2);
  });

  it('adds three bytes per list or map and one per element', () => {
    // [ "ab", 1 ] = 3 + (1 + 2) + (1 + 2)
    expect(valueSize({ L: [{ S: 'ab' }, { N: '1' }] })).toBe(9);
    // { q: 12 } = 3 + 1 + "q"(1) + 2
    expect(valueSize({ M: { q: { N: '12' } } })).toBe(7);
    expect(valueSize({ BOOL: true })).toBe(1);
    expect(valueSize({ NULL: true })).toBe(1);
  });
});

describe('write units', () => {
  it('charges a new 1.5 KB item two units on the table and one on each small index entry it enters', () => {
    // Prepare
    const item = order({ status: 'RECEIVED', statusKey: 'RECEIVED#3' }, 1536);
    // Act
    const units = writeUnits(table, undefined, item);
    // Assess: KEYS_ONLY and INCLUDE entries are a few bytes; the ALL entry is the whole item.
    expect(units).toEqual({ table: 2, indexes: { byCustomer: 1, withStatus: 1, byStatus: 2 } });
  });

  it('charges an update the larger of the two images', () => {
    const before = order({ status: 'RECEIVED' }, 900);
    const after = order({ status: 'PROCESSING' }, 1100);
    expect(writeUnits(table, before, after).table).toBe(2);
  });

  it('charges nothing to an index whose entry the update leaves unchanged', () => {
    const before = order({ status: 'RECEIVED', note: 'a' });
    const after = order({ status: 'RECEIVED', note: 'b' });
    expect(indexWriteUnits(table, byCustomer, before, after)).toBe(0);
    expect(indexWriteUnits(table, withStatus, before, after)).toBe(0);
  });

  it('charges one write when a projected attribute changes and the keys stay', () => {
    const before = order({ status: 'RECEIVED' });
    const after = order({ status: 'PROCESSING' });
    expect(indexWriteUnits(table, withStatus, before, after)).toBe(1);
    expect(indexWriteUnits(table, byCustomer, before, after)).toBe(0);
  });

  it('charges a delete and a put when an index key changes', () => {
    const before = order({ statusKey: 'RECEIVED#3' }, 3000);
    const after = order({ statusKey: 'PROCESSING#3' }, 3000);
    // 3 units for the old entry, 3 for the new one (projection ALL)
    expect(indexWriteUnits(table, byStatus, before, after)).toBe(6);
  });

  it('charges one delete when the index key is removed, and nothing when it was never there', () => {
    const sparse: IndexSchema = {
      name: 'pending',
      keys: ['pending', 'createdAt'],
      projection: 'KEYS_ONLY',
    };
    const schema: TableSchema = { keys: ['id'], indexes: [sparse] };
    const pending = order({ pending: 'P#1', createdAt: 't' }, 2000);
    const done = order({ createdAt: 't' }, 2000);
    expect(writeUnits(schema, pending, done)).toEqual({ table: 2, indexes: { pending: 1 } });
    expect(writeUnits(schema, done, { ...done, x: { S: 'y' } })).toEqual({ table: 2, indexes: {} });
  });
});

describe("an order's writes on the deployed indexes, worked by hand", () => {
  // byCustomer projects the status, byStatus only keys (RECEIVED and PROCESSING share OPEN#s),
  // undispatched is sparse with the sweep's back-off.
  const deployed: TableSchema = {
    keys: ['id'],
    indexes: [
      withStatus,
      { name: 'byStatus', keys: ['statusShard', 'sortKey'], projection: 'KEYS_ONLY' },
      {
        name: 'undispatched',
        keys: ['dispatchPending', 'createdAt'],
        projection: 'INCLUDE',
        nonKeyAttributes: ['sweepAttempts', 'sweepAfter'],
      },
    ],
  };
  const put = order({ status: 'RECEIVED', statusShard: 'OPEN#3', createdAt: 't', claim: 'k' });
  const { claim: _, ...unclaimed } = put;
  const recorded: Item = { ...unclaimed, queued: { BOOL: true }, alerted: { BOOL: true } };
  const step = (before: Item | undefined, after: Item) => writeUnits(deployed, before, after);
  const sum = (units: ReturnType<typeof writeUnits>[]) =>
    units.reduce((n, u) => n + u.table + Object.values(u.indexes).reduce((a, b) => a + b, 0), 0);

  it('charges 10 units when the dispatch succeeds: no pending entry is ever written', () => {
    // Prepare: put, dispatch record (claim released), RECEIVED → PROCESSING → COMPLETED
    const processing = { ...recorded, status: { S: 'PROCESSING' } };
    const completed = {
      ...recorded,
      status: { S: 'COMPLETED' },
      statusShard: { S: 'COMPLETED#3' },
    };
    // Act
    const units = [
      step(undefined, put),
      step(put, recorded),
      step(recorded, processing),
      step(processing, completed),
    ];
    // Assess: 1 + 1 + 1 (byCustomer, byStatus); 1; 1 + 1 (status projected in byCustomer);
    // 1 + 1 + 2 (byStatus key OPEN → COMPLETED: a delete and a put)
    expect(units).toEqual([
      { table: 1, indexes: { withStatus: 1, byStatus: 1 } },
      { table: 1, indexes: {} },
      { table: 1, indexes: { withStatus: 1 } },
      { table: 1, indexes: { withStatus: 1, byStatus: 2 } },
    ]);
    expect(sum(units)).toBe(10);
  });

  it('charges the pending entry only to a failed dispatch: a put when it is recorded, a delete when the sweeper completes it', () => {
    // Prepare: the request's record marks it pending; the sweeper's claim and record complete it
    const failed: Item = {
      ...unclaimed,
      queued: { BOOL: true },
      dispatchPending: { S: 'PENDING#3' },
    };
    const claimed: Item = { ...failed, claim: { S: 'k2' } };
    // Act
    const units = [step(put, failed), step(failed, claimed), step(claimed, recorded)];
    // Assess
    expect(units).toEqual([
      { table: 1, indexes: { undispatched: 1 } },
      { table: 1, indexes: {} },
      { table: 1, indexes: { undispatched: 1 } },
    ]);
  });
});

describe('read units', () => {
  it('charges GetItem by the whole item: 4 KB per unit, half when eventually consistent', () => {
    const item = order({}, 5000);
    expect(getItemUnits(item, true)).toBe(2);
    expect(getItemUnits(item, false)).toBe(1);
    // a missing item still costs the minimum
    expect(getItemUnits(undefined, true)).toBe(1);
  });

  it('sums a query page before rounding', () => {
    // 10 entries of 500 bytes = 5 000 bytes → 2 units, eventually consistent → 1
    const entries = Array.from({ length: 10 }, () => order({}, 500));
    expect(queryUnits(entries, false)).toBe(1);
    expect(queryUnits([], false)).toBe(0.5);
  });
});
