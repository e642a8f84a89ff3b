/**
 * DynamoDB capacity units per request, by the rules AWS documents for on-demand and provisioned
 * tables ("Item sizes and formats", "Read/write capacity units", "Provisioned throughput
 * considerations for global secondary indexes"). Emulators report the table's units at most;
 * this computes the table's and each index's from the items before and after a write.
 */

/** An attribute value in DynamoDB's wire format. */
export type AttributeValue =
  | { readonly S: string }
  | { readonly N: string }
  | { readonly B: string }
  | { readonly BOOL: boolean }
  | { readonly NULL: boolean }
  | { readonly L: readonly AttributeValue[] }
  | { readonly M: Readonly<Record<string, AttributeValue>> }
  | { readonly SS: readonly string[] }
  | { readonly NS: readonly string[] }
  | { readonly BS: readonly string[] };

/** An item (or an index entry) in DynamoDB's wire format. */
export type Item = Readonly<Record<string, AttributeValue>>;

/** A global secondary index as DescribeTable shows it. */
export interface IndexSchema {
  readonly name: string;
  /** Partition key, then sort key when there is one. */
  readonly keys: readonly string[];
  readonly projection: 'ALL' | 'KEYS_ONLY' | 'INCLUDE';
  readonly nonKeyAttributes?: readonly string[];
}

/** The table's key attributes and its global secondary indexes. */
export interface TableSchema {
  readonly keys: readonly string[];
  readonly indexes: readonly IndexSchema[];
}

/** Units one request consumed, on the table and on each index it touched. */
export interface ConsumedUnits {
  readonly table: number;
  readonly indexes: Readonly<Record<string, number>>;
}

const WRITE_UNIT_BYTES = 1024;
const READ_UNIT_BYTES = 4096;

const utf8 = (text: string) => Buffer.byteLength(text, 'utf8');

/** Significant digits of a number, without sign, leading or trailing zeros. */
function significantDigits(n: string): number {
  const digits = n.replace(/^[-+]/, '').replace(/e.*$/i, '').replace('.', '');
  return Math.max(1, digits.replace(/^0+/, '').replace(/0+$/, '').length);
}

/** Bytes of one value: strings and binaries by length, numbers by significant digits, documents with their overhead. */
export function valueSize(value: AttributeValue): number {
  if ('S' in value) return utf8(value.S);
  if ('N' in value) return Math.ceil(significantDigits(value.N) / 2) + 1;
  if ('B' in value) return Buffer.from(value.B, 'base64').length;
  if ('BOOL' in value || 'NULL' in value) return 1;
  if ('SS' in value) return value.SS.reduce((sum, s) => sum + utf8(s), 0);
  if ('NS' in value) return value.NS.reduce((sum, n) => sum + valueSize({ N: n }), 0);
  if ('BS' in value) return value.BS.reduce((sum, b) => sum + valueSize({ B: b }), 0);
  // A list or map costs 3 bytes, plus 1 byte per element; a map's element also counts its name.
  if ('L' in value) return 3 + value.L.reduce((sum, v) => sum + 1 + valueSize(v), 0);
  return (
    3 + Object.entries(value.M).reduce((sum, [name, v]) => sum + 1 + utf8(name) + valueSize(v), 0)
  );
}

/** Bytes of an item: each attribute's name (UTF-8) plus its value. */
export function itemSize(item: Item): number {
  return Object.entries(item).reduce(
    (sum, [name, value]) => sum + utf8(name) + valueSize(value),
    0,
  );
}

/** The index's entry for an item: undefined when the item lacks a key of the index (sparse). */
export function indexEntry(
  table: TableSchema,
  index: IndexSchema,
  item: Item | undefined,
): Item | undefined {
  if (item === undefined || index.keys.some((key) => item[key] === undefined)) return undefined;
  if (index.projection === 'ALL') return item;
  const names = new Set([...table.keys, ...index.keys, ...(index.nonKeyAttributes ?? [])]);
  return Object.fromEntries(Object.entries(item).filter(([name]) => names.has(name)));
}

const writeUnitsOf = (bytes: number) => Math.max(1, Math.ceil(bytes / WRITE_UNIT_BYTES));
const same = (a: Item, b: Item) => JSON.stringify(sorted(a)) === JSON.stringify(sorted(b));
const sorted = (item: Item) =>
  Object.fromEntries(Object.entries(item).sort(([a], [b]) => a.localeCompare(b)));

/**
 * Write units of one index for a table write that changed `before` into `after` (either may be
 * absent: a put of a new item, a delete): a new entry is one write, a removed entry one delete,
 * a changed key a delete plus a write, changed projected attributes one write, anything else none.
 */
export function indexWriteUnits(
  table: TableSchema,
  index: IndexSchema,
  before: Item | undefined,
  after: Item | undefined,
): number {
  const old = indexEntry(table, index, before);
  const next = indexEntry(table, index, after);
  if (old === undefined && next === undefined) return 0;
  if (old === undefined) return writeUnitsOf(itemSize(next as Item));
  if (next === undefined) return writeUnitsOf(itemSize(old));
  const keyChanged = index.keys.some(
    (key) => JSON.stringify(old[key]) !== JSON.stringify(next[key]),
  );
  if (keyChanged) return writeUnitsOf(itemSize(old)) + writeUnitsOf(itemSize(next));
  if (same(old, next)) return 0;
  return writeUnitsOf(Math.max(itemSize(old), itemSize(next)));
}

/**
 * Units of a write (PutItem, UpdateItem, DeleteItem) that changed `before` into `after`: on the
 * table the larger of the two images, at least one unit; on each index per
 * {@link indexWriteUnits}. A write refused by its condition costs the table the same and the
 * indexes nothing (pass `after` equal to `before`).
 */
export function writeUnits(
  table: TableSchema,
  before: Item | undefined,
  after: Item | undefined,
): ConsumedUnits {
  const sizes = [before, after].map((item) => (item === undefined ? 0 : itemSize(item)));
  const indexes: Record<string, number> = {};
  for (const index of table.indexes) {
    const units = indexWriteUnits(table, index, before, after);
    if (units > 0) indexes[index.name] = units;
  }
  return { table: writeUnitsOf(Math.max(...sizes)), indexes };
}

/** Read units for `bytes` read at once: 4 KB per unit, half a unit when eventually consistent. */
export function readUnits(bytes: number, consistent: boolean): number {
  return Math.max(1, Math.ceil(bytes / READ_UNIT_BYTES)) * (consistent ? 1 : 0.5);
}

/** GetItem (and each key of BatchGetItem): the whole item, whatever the projection expression. */
export const getItemUnits = (item: Item | undefined, consistent: boolean): number =>
  readUnits(item === undefined ? 0 : itemSize(item), consistent);

/** Query: the entries it evaluated, summed before rounding; index reads are eventually consistent. */
export const queryUnits = (entries: readonly Item[], consistent: boolean): number =>
  readUnits(
    entries.reduce((sum, entry) => sum + itemSize(entry), 0),
    consistent,
  );
