import { describe, expect, it } from 'vitest';
import { CODE_CACHE_REJECTED, rejectedCodeCacheRecord } from './code-cache-report.js';
import type { CodeCacheInfo } from './package-files.js';

const info: CodeCacheInfo = {
  node: 'v24.0.0',
  v8: '13.6.0',
  arch: 'x64',
  v8Flags: ['--expose-gc'],
  appSha256: 'a'.repeat(64),
  warmUps: ['order(id)'],
};
const env = { POWERTOOLS_METRICS_NAMESPACE: 'Orders', POWERTOOLS_SERVICE_NAME: 'order-api' };

describe('rejectedCodeCacheRecord', () => {
  it('counts CodeCacheRejected in embedded metric format under the service dimension', () => {
    const record = rejectedCodeCacheRecord(Buffer.from(JSON.stringify(info)), env, 1_000);

    expect(record._aws).toEqual({
      Timestamp: 1_000,
      CloudWatchMetrics: [
        {
          Namespace: 'Orders',
          Dimensions: [['service']],
          Metrics: [{ Name: CODE_CACHE_REJECTED, Unit: 'Count' }],
        },
      ],
    });
    expect(record).toMatchObject({ service: 'order-api', CodeCacheRejected: 1, level: 'WARN' });
  });

  it('says what the cache was made for and what it runs on when the metadata is readable', () => {
    const record = rejectedCodeCacheRecord(Buffer.from(JSON.stringify(info)), env);

    expect(record.codeCache.madeFor).toEqual(info);
    expect(record.codeCache.runningOn).toEqual({
      node: process.version,
      v8: process.versions.v8,
      arch: process.arch,
      v8Flags: process.execArgv,
    });
  });

  it('still reports when the metadata is missing or unreadable', () => {
    expect(rejectedCodeCacheRecord(undefined, {}).codeCache.madeFor).toBe('unknown');
    expect(rejectedCodeCacheRecord(Buffer.from('{'), {}).codeCache.madeFor).toBe('unreadable');
    expect(rejectedCodeCacheRecord(undefined, {})._aws.CloudWatchMetrics[0]?.Namespace).toBe(
      'OrderProcessing',
    );
  });
});
