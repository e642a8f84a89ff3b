import { ValidationError } from '../domain/errors.js';
import { isOrderId } from '../domain/order-identity.js';
import type { OrderPosition } from '../domain/ports.js';

/**
 * Every cursor this API writes has this exact length: base64url of
 * `["<24-character ISO instant>","ord_<32 hex digits>"]`. Anything longer is refused before it
 * is decoded.
 */
export const CURSOR_LENGTH = 90;

const BASE64URL = /^[A-Za-z0-9_-]+$/;
/** The only instant format the API writes: `Date.prototype.toISOString` of a four-digit year. */
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** The opaque cursor of a page position: where a listing continues, just after this order. */
export const encodeCursor = (position: OrderPosition): string =>
  Buffer.from(JSON.stringify([position.createdAt, position.id])).toString('base64url');

/**
 * Reads a cursor written by {@link encodeCursor}. Only the exact text this API writes for some
 * position is accepted: anything else (another length or alphabet, a non-canonical encoding, a
 * date in another format or that does not exist, an id of another shape) throws a
 * {@link ValidationError} on `field`, before any read.
 */
export function decodeCursor(cursor: string, field = 'after'): OrderPosition {
  if (cursor.length === CURSOR_LENGTH && BASE64URL.test(cursor)) {
    const position = positionIn(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (position !== undefined && encodeCursor(position) === cursor) return position;
  }
  throw new ValidationError(field, 'is not a cursor returned by this API');
}

function positionIn(text: string): OrderPosition | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!Array.isArray(value) || value.length !== 2) return undefined;
  const [createdAt, id] = value as unknown[];
  if (typeof createdAt !== 'string' || typeof id !== 'string') return undefined;
  if (!INSTANT.test(createdAt) || !isOrderId(id)) return undefined;
  const instant = new Date(createdAt);
  if (Number.isNaN(instant.getTime()) || instant.toISOString() !== createdAt) return undefined;
  return { createdAt, id };
}
