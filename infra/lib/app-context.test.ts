import { App } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { ContextError, readOrderStackContext } from './app-context.js';

const read = (context: Record<string, unknown>) => readOrderStackContext(new App({ context }).node);

describe('readOrderStackContext', () => {
  it('reads e-mail addresses, origins and flags when they are given as CLI strings', () => {
    expect(
      read({
        adminEmail: 'ops@example.com',
        allowedOrigins: 'https://a.example.com, https://b.example.com',
        graphqlIntrospection: 'true',
        graphqlSandbox: 'false',
        retainData: 'false',
        alarmEmail: 'oncall@example.com',
        runbookBaseUrl: 'https://git.example.com/shop/blob/main/',
        alertDigestMinutes: '5',
      }),
    ).toEqual({
      adminEmail: 'ops@example.com',
      alertDigestMinutes: 5,
      alarmEmail: 'oncall@example.com',
      runbookBaseUrl: 'https://git.example.com/shop/blob/main/',
      allowedOrigins: ['https://a.example.com', 'https://b.example.com'],
      graphqlIntrospection: true,
      graphqlSandbox: false,
      retainData: false,
    });
  });

  it('leaves every option to its default when no context is given', () => {
    expect(read({})).toEqual({
      adminEmail: undefined,
      alertDigestMinutes: undefined,
      alarmEmail: undefined,
      allowedOrigins: undefined,
      graphqlIntrospection: undefined,
      graphqlSandbox: undefined,
      retainData: undefined,
      runbookBaseUrl: undefined,
    });
  });

  it('rejects a digest interval that is not a whole number', () => {
    expect(() => read({ alertDigestMinutes: 'often' })).toThrow(
      /alertDigestMinutes must be a whole number/,
    );
  });

  it('rejects a flag that is neither true nor false', () => {
    expect(() => read({ retainData: 'no' })).toThrow(ContextError);
  });

  it('rejects an admin address that is not an e-mail address', () => {
    expect(() => read({ adminEmail: 'ops' })).toThrow(/adminEmail is not an e-mail address/);
  });
});
