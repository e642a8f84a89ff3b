import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { Agent } from 'node:https';
import type { Server } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { fromRepoRoot } from '../../infra/lib/repo-paths.js';

/** A self-signed certificate for 127.0.0.1, made once with openssl and kept (git-ignored). */
export interface TlsFiles {
  readonly keyFile: string;
  readonly certFile: string;
}

const TLS_DIR = fromRepoRoot('.cache/bench-tls');

export async function benchCertificate(): Promise<TlsFiles> {
  const files = { keyFile: join(TLS_DIR, 'key.pem'), certFile: join(TLS_DIR, 'cert.pem') };
  if (existsSync(files.certFile) && existsSync(files.keyFile)) return files;
  await mkdir(TLS_DIR, { recursive: true });
  await promisify(execFile)('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-days',
    '3650',
    '-subj',
    '/CN=127.0.0.1',
    '-addext',
    'subjectAltName=IP:127.0.0.1',
    '-keyout',
    files.keyFile,
    '-out',
    files.certFile,
  ]);
  return files;
}

/** dynalite serving HTTPS on 127.0.0.1, as DynamoDB is reached in AWS. */
export interface HttpsDynamo {
  readonly endpoint: string;
  /** A client of this process that trusts the certificate. */
  readonly client: DynamoDBClient;
  stop(): Promise<void>;
}

export async function startHttpsDynamo(tls: TlsFiles, region: string): Promise<HttpsDynamo> {
  const [key, cert] = await Promise.all([readFile(tls.keyFile), readFile(tls.certFile)]);
  // dynalite's own certificate expired in 2018; its TLS options are not in the local typings.
  const tlsOptions = { ssl: true, key, cert, ca: cert };
  const server: Server = dynalite({
    ...(tlsOptions as object),
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('dynalite has no address');
  const endpoint = `https://127.0.0.1:${address.port}`;
  const client = new DynamoDBClient({
    region,
    endpoint,
    requestHandler: { httpsAgent: new Agent({ ca: cert, keepAlive: true }) },
  });
  return {
    endpoint,
    client,
    async stop() {
      client.destroy();
      server.close();
      await once(server, 'close');
    },
  };
}
