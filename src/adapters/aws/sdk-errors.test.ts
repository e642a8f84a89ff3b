import { describe, expect, it } from 'vitest';
import { serviceError } from '../../testing/fault-injection.js';
import { isTransient } from './sdk-errors.js';

describe('isTransient', () => {
  it.each([
    ['a server fault', serviceError('InternalServerError', 500, 'server')],
    ['throttling', serviceError('ThrottlingException', 400, 'client')],
    ['a socket timeout', Object.assign(new Error('timed out'), { name: 'TimeoutError' })],
    [
      'a refused connection',
      Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
    ],
  ])('treats %s as worth retrying', (_, error) => {
    expect(isTransient(error)).toBe(true);
  });

  it.each([
    ['a validation error from the service', serviceError('ValidationException', 400, 'client')],
    ['access denied', serviceError('AccessDeniedException', 403, 'client')],
    ['a bug before any request was sent', new TypeError('Cannot read properties of undefined')],
    ['a value that is not an error', 'boom'],
  ])('treats %s as final', (_, error) => {
    expect(isTransient(error)).toBe(false);
  });
});
