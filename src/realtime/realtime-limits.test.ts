import { getOperationAST, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { largestAnswerBytes } from '../graphql/answer-size.js';
import { ORDER_ANSWER_BOUNDS } from '../graphql/order-answer-bounds.js';
import { orderSchema } from '../graphql/order-schema.js';
import { MAX_EVENT_BYTES } from '../graphql/subscription-handler.js';
import { ORDER_FIELDS } from '../testing/graphql-client.js';
import { REALTIME_LIMITS } from './websocket-handler.js';

/** API Gateway WebSocket APIs: a frame is at most 32 KB, a message (and a post) 128 KB. */
const API_GATEWAY = { frameBytes: 32 * 1024, messageBytes: 128 * 1024 };

describe('limits against API Gateway WebSocket quotas', () => {
  it('accepts only client messages that fit in one API Gateway frame', () => {
    expect(REALTIME_LIMITS.messageBytes).toBeLessThanOrEqual(API_GATEWAY.frameBytes);
  });

  it('admits a subscription to every order field, whose largest event still fits in one post', () => {
    const document = parse(`subscription { allOrdersUpdated { ${ORDER_FIELDS} } }`);
    const operation = getOperationAST(document) ?? expect.fail('one operation');
    const bytes = largestAnswerBytes(orderSchema(), document, operation, {}, ORDER_ANSWER_BOUNDS);
    const envelope = JSON.stringify({ id: 'x'.repeat(64), type: 'next', payload: { data: null } });

    expect(bytes).toBeLessThanOrEqual(MAX_EVENT_BYTES);
    expect(MAX_EVENT_BYTES + envelope.length).toBeLessThanOrEqual(API_GATEWAY.messageBytes);
  });
});
