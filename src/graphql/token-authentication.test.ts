import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { createLocalSigningKey, LOCAL_ISSUER } from '../local/dev-tokens.js';
import {
  type AuthenticateToken,
  type CognitoKeys,
  createTokenAuthenticator,
} from './token-authentication.js';

const userPoolId = 'us-east-1_TESTPOOL';
const clientId = 'test-client';
const issuer = `https://cognito-idp.us-east-1.amazonaws.com/${userPoolId}`;

let sign: (claims: Record<string, unknown>, options?: { issuer?: string }) => Promise<string>;
let authenticate: AuthenticateToken;
let cognitoKeys: CognitoKeys;

beforeAll(async () => {
  const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid: 'key-1', alg: 'RS256', use: 'sig' };
  sign = (claims, options = {}) =>
    new SignJWT({ token_use: 'id', ...claims })
      .setProtectedHeader({ alg: 'RS256', kid: 'key-1' })
      .setIssuer(options.issuer ?? issuer)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(privateKey);
  // The pool's published keys, given up front as aws-jwt-verify would fetch and cache them.
  cognitoKeys = { keys: [jwk] };
  authenticate = createTokenAuthenticator(
    { mode: 'cognito', adminGroup: 'admins', userPoolId, clientId },
    { cognitoKeys },
  );
});

describe('token authentication with Cognito (aws-jwt-verify)', () => {
  it('makes a customer of a valid ID token and an admin of a member of the admin group', async () => {
    const customer = await sign({ sub: 'c-1', aud: clientId });
    const admin = await sign({ sub: 'ops', aud: clientId, 'cognito:groups': ['admins'] });

    expect(await authenticate(`Bearer ${customer}`)).toEqual({
      kind: 'customer',
      subject: 'c-1',
      customerId: 'c-1',
    });
    expect(await authenticate(`Bearer ${admin}`)).toEqual({ kind: 'admin', subject: 'ops' });
  });

  it('refuses a token for another client, from another issuer, or none at all', async () => {
    const foreignClient = await sign({ sub: 'c-1', aud: 'other-client' });
    const foreignIssuer = await sign(
      { sub: 'c-1', aud: clientId },
      { issuer: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_OTHER' },
    );

    for (const authorization of [
      `Bearer ${foreignClient}`,
      `Bearer ${foreignIssuer}`,
      'Bearer not.a.jwt',
      undefined,
    ]) {
      await expect(authenticate(authorization)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    }
  });

  it("gives admin rights only to members of the admin group in the administrators' pool, when one is set", async () => {
    const adminPoolId = 'us-east-1_ADMINPOOL';
    const withAdmins = createTokenAuthenticator(
      {
        mode: 'cognito',
        adminGroup: 'admins',
        userPoolId,
        clientId,
        admins: { userPoolId: adminPoolId, clientId: 'admin-client' },
      },
      { cognitoKeys },
    );
    const admin = await sign(
      { sub: 'ops', aud: 'admin-client', 'cognito:groups': ['admins'] },
      { issuer: `https://cognito-idp.us-east-1.amazonaws.com/${adminPoolId}` },
    );
    const customerInGroup = await sign({ sub: 'c-9', aud: clientId, 'cognito:groups': ['admins'] });

    expect(await withAdmins(`Bearer ${admin}`)).toEqual({ kind: 'admin', subject: 'ops' });
    expect(await withAdmins(`Bearer ${customerInGroup}`)).toMatchObject({ kind: 'customer' });
  });

  it('verifies local ES256 tokens in jwt mode and trusts everyone when off', async () => {
    const key = await createLocalSigningKey();
    const local = createTokenAuthenticator({
      mode: 'jwt',
      adminGroup: 'admins',
      publicKey: key.publicKeyPem,
      issuer: LOCAL_ISSUER,
    });

    expect(await local(`Bearer ${await key.sign({ subject: 'c-2' })}`)).toMatchObject({
      customerId: 'c-2',
    });
    expect(await createTokenAuthenticator({ mode: 'off' })(undefined)).toEqual({ kind: 'trusted' });
  });
});
