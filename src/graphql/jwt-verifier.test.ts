import { generateKeyPairSync } from 'node:crypto';
import { exportSPKI, generateKeyPair, SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { createJwtVerifier, InvalidTokenError } from './jwt-verifier.js';

const issuer = 'urn:test';
let privateKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
let verifyToken: (token: string) => Readonly<Record<string, unknown>>;

beforeAll(async () => {
  const pair = await generateKeyPair('ES256', { extractable: true });
  privateKey = pair.privateKey;
  verifyToken = createJwtVerifier({
    publicKey: await exportSPKI(pair.publicKey),
    issuer,
    audience: 'orders',
  });
});

const token = (claims: Record<string, unknown> = {}, expiresIn: string | number = '5m') =>
  new SignJWT({ aud: 'orders', ...claims })
    .setProtectedHeader({ alg: 'ES256' })
    .setIssuer(issuer)
    .setSubject('customer-1')
    .setExpirationTime(expiresIn)
    .sign(privateKey);

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('createJwtVerifier', () => {
  it('returns the claims when a token signed with the key is valid', async () => {
    expect(verifyToken(await token({ 'cognito:groups': ['admins'] }))).toMatchObject({
      sub: 'customer-1',
      iss: issuer,
      'cognito:groups': ['admins'],
    });
  });

  it('accepts an audience given as a list that contains its own', async () => {
    expect(verifyToken(await token({ aud: ['billing', 'orders'] })).sub).toBe('customer-1');
  });

  it.each([
    ['another audience', async () => token({ aud: 'billing' }), /audience/],
    [
      'a not-before in the future',
      async () => token({ nbf: Math.floor(Date.now() / 1000) + 600 }),
      /not valid yet/,
    ],
    ['an expiry in the past', async () => token({}, Math.floor(Date.now() / 1000) - 60), /expired/],
    [
      'no expiry',
      async () =>
        new SignJWT({ aud: 'orders' })
          .setProtectedHeader({ alg: 'ES256' })
          .setIssuer(issuer)
          .sign(privateKey),
      /expired/,
    ],
    [
      'the algorithm none',
      async () => `${b64({ alg: 'none' })}.${b64({ iss: issuer, aud: 'orders', exp: 9e9 })}.`,
      /algorithm/,
    ],
    [
      'claims swapped under a valid signature',
      async () => {
        const [header, , signature] = (await token()).split('.');
        return `${header}.${b64({ iss: issuer, aud: 'orders', sub: 'admin', exp: 9e9 })}.${signature}`;
      },
      /signature/,
    ],
    ['two parts', async () => 'abc.def', /compact/],
    [
      'a header that is not JSON',
      async () => `${Buffer.from('{').toString('base64url')}.e30.sig`,
      /header/,
    ],
  ])('refuses a token with %s', async (_, make, reason) => {
    const value = await make();
    expect(() => verifyToken(value)).toThrow(InvalidTokenError);
    expect(() => verifyToken(value)).toThrow(reason);
  });

  it('refuses to start with a key that is not EC P-256', () => {
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(() => createJwtVerifier({ publicKey: pem, issuer })).toThrow(/P-256/);
  });
});
