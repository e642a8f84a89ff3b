import { describe, expect, it } from 'vitest';
import { ValidationError } from '../domain/errors.js';
import { CURSOR_LENGTH, decodeCursor, encodeCursor } from './cursor.js';

const position = { createdAt: '2026-12-01T10:20:30.456Z', id: `ord_${'0a'.repeat(16)}` };
const b64 = (text: string) => Buffer.from(text).toString('base64url');
const valid = encodeCursor(position);

describe('order cursors', () => {
  it('reads back the position it was made from, at the fixed length', () => {
    expect(valid).toHaveLength(CURSOR_LENGTH);
    expect(decodeCursor(valid)).toEqual(position);
  });

  it.each([
    ['empty', ''],
    ['not base64url', 'not a cursor!'],
    ['padded base64', `${valid}==`],
    ['standard base64 alphabet', valid.replace(/.$/, '+')],
    ['one character short', valid.slice(0, -1)],
    // The last character carries unused bits: a second spelling of the same bytes.
    [
      'a non-canonical encoding',
      valid.replace(/.$/, String.fromCharCode(valid.charCodeAt(89) + 1)),
    ],
    [
      'a date with a long comment',
      b64(JSON.stringify([`2026-01-01T00:00:00.000Z (${'x'.repeat(1500)})`, position.id])),
    ],
    ['a date with a short comment', b64(JSON.stringify(['2026-01-01 (c)', position.id]))],
    ['a date that does not exist', b64(JSON.stringify(['2026-02-30T00:00:00.000Z', position.id]))],
    ['a date without milliseconds', b64(JSON.stringify(['2026-02-03T00:00:00Z', position.id]))],
    ['an id in upper case', b64(JSON.stringify([position.createdAt, position.id.toUpperCase()]))],
    ['an id of another shape', b64(JSON.stringify([position.createdAt, 'ord_x'.padEnd(36, '0')]))],
    ['spaces in the JSON', b64(JSON.stringify([position.createdAt, position.id], null, 1))],
    ['an object', b64(JSON.stringify(position))],
    ['three elements', b64(JSON.stringify([position.createdAt, position.id, 1]))],
    ['numbers', b64(JSON.stringify([Date.parse(position.createdAt), position.id]))],
    ['not JSON', b64(`[${position.createdAt},${position.id}]`.padEnd(67, ' '))],
  ])('refuses %s with a validation error on the field', (_, cursor) => {
    const decode = () => decodeCursor(cursor, 'after');
    expect(decode).toThrow(ValidationError);
    expect(decode).toThrow(/^after: is not a cursor returned by this API$/);
  });

  it('names the field it is given when a cursor is refused', () => {
    expect(() => decodeCursor('x', 'before')).toThrow(/^before: /);
  });
});
