import { LIMITS } from '../domain/validation.js';
import { PAGE_SIZE } from '../use-cases/list-orders.js';
import type { AnswerBounds } from './answer-size.js';
import { CURSOR_LENGTH } from './cursor.js';

/**
 * JSON bytes of a string of at most `n` code points, with its quotes: UTF-8 takes up to 4 bytes
 * a code point, and an escaped `"` or `\` 2. The printable rule keeps out everything JSON would
 * escape longer (control characters, lone surrogates).
 */
const text = (n: number) => 2 + 4 * n;
/** JSON bytes of a string of at most `n` ASCII characters, with its quotes and escapes. */
const ascii = (n: number) => 2 + 2 * n;

/** The largest value each field of the order schema can hold, from the rules that admit it. */
export const ORDER_ANSWER_BOUNDS: AnswerBounds = {
  scalarBytes: {
    Boolean: 5,
    Int: 11,
    SafeInt: 17,
    // `toISOString` of a four-digit year, which every stored instant is.
    DateTime: 26,
  },
  fieldBytes: {
    'Order.id': ascii(36),
    'Order.customerId': ascii(LIMITS.customerIdLength),
    'Order.customerEmail': text(LIMITS.emailLength),
    'OrderItem.sku': text(LIMITS.skuLength),
    'Money.currency': ascii(3),
    'OrderEdge.cursor': ascii(CURSOR_LENGTH),
    'PageInfo.endCursor': ascii(CURSOR_LENGTH),
  },
  listLengths: { 'Order.items': LIMITS.items.max },
  pageSize: { argument: 'first', max: PAGE_SIZE.max },
};
