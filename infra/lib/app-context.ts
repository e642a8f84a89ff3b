import type { Node } from 'constructs';
import type { OrderStackProps } from './order-stack.js';

/** Context keys the app reads (`cdk deploy -c key=value`). */
export const CONTEXT_KEYS = {
  adminEmail: 'adminEmail',
  alertDigestMinutes: 'alertDigestMinutes',
  alarmEmail: 'alarmEmail',
  allowedOrigins: 'allowedOrigins',
  graphqlIntrospection: 'graphqlIntrospection',
  graphqlSandbox: 'graphqlSandbox',
  retainData: 'retainData',
  runbookBaseUrl: 'runbookBaseUrl',
} as const;

/** A context value that is not what its key allows. */
export class ContextError extends Error {
  constructor(key: string, problem: string) {
    super(`Context ${key} ${problem}`);
    this.name = 'ContextError';
  }
}

function text(node: Node, key: string): string | undefined {
  const value: unknown = node.tryGetContext(key);
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new ContextError(key, 'must be a string');
  return value.trim() || undefined;
}

function flag(node: Node, key: string): boolean | undefined {
  const value: unknown = node.tryGetContext(key);
  if (value === undefined || value === null || value === '') return undefined;
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw new ContextError(key, 'must be true or false');
}

function email(node: Node, key: string): string | undefined {
  const value = text(node, key);
  if (value !== undefined && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(value)) {
    throw new ContextError(key, `is not an e-mail address: ${value}`);
  }
  return value;
}

function wholeNumber(node: Node, key: string): number | undefined {
  const value: unknown = node.tryGetContext(key);
  if (value === undefined || value === null || value === '') return undefined;
  const number = Number(value);
  if (!Number.isInteger(number)) throw new ContextError(key, 'must be a whole number');
  return number;
}

/**
 * Reads the stack's options from CDK context: `adminEmail`, `alarmEmail`, `alertDigestMinutes`, `allowedOrigins`
 * (comma-separated), `runbookBaseUrl`, and the flags `graphqlIntrospection`, `graphqlSandbox`, `retainData`.
 */
export function readOrderStackContext(node: Node): OrderStackProps {
  const origins = text(node, CONTEXT_KEYS.allowedOrigins)
    ?.split(',')
    .map((origin) => origin.trim())
    .filter(Boolean);
  return {
    adminEmail: email(node, CONTEXT_KEYS.adminEmail),
    alarmEmail: email(node, CONTEXT_KEYS.alarmEmail),
    alertDigestMinutes: wholeNumber(node, CONTEXT_KEYS.alertDigestMinutes),
    allowedOrigins: origins,
    graphqlIntrospection: flag(node, CONTEXT_KEYS.graphqlIntrospection),
    graphqlSandbox: flag(node, CONTEXT_KEYS.graphqlSandbox),
    retainData: flag(node, CONTEXT_KEYS.retainData),
    runbookBaseUrl: text(node, CONTEXT_KEYS.runbookBaseUrl),
  };
}
