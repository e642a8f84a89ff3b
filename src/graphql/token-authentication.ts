import { CognitoJwtVerifier } from 'aws-jwt-verify';
import type { AuthConfig } from '../config.js';
import { type Caller, TRUSTED_CALLER } from '../domain/caller.js';
import { UnauthenticatedError } from '../domain/errors.js';
import { callerFromClaims } from './authentication.js';
import { createJwtVerifier } from './jwt-verifier.js';

/**
 * Works out who holds a token given as an `authorization` value (`Bearer <token>`); throws
 * {@link UnauthenticatedError} when it cannot. With authentication off every caller is trusted.
 */
export type AuthenticateToken = (authorization: string | undefined) => Promise<Caller>;

type VerifyToken = (token: string) => Promise<Readonly<Record<string, unknown>>>;

/** Cognito's public keys for a user pool, to verify tokens without fetching them (tests). */
export interface CognitoKeys {
  readonly keys: readonly Readonly<Record<string, unknown>>[];
}

export function bearerTokenOf(authorization: string | undefined): string | undefined {
  return authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
}

const cognitoIssuer = (userPoolId: string) =>
  `https://cognito-idp.${userPoolId.split('_')[0]}.amazonaws.com/${userPoolId}`;

/**
 * Verifies Cognito tokens (ID or access) with AWS's own verifier: signature against the pool's
 * published keys (fetched once and cached), issuer, expiry, and the app client. With an
 * administrators' pool, tokens of either pool are accepted.
 */
function cognitoVerifier(
  config: Extract<AuthConfig, { mode: 'cognito' }>,
  keys?: CognitoKeys,
): VerifyToken {
  const pools = [config, ...(config.admins ? [config.admins] : [])].map((pool) => ({
    userPoolId: pool.userPoolId,
    clientId: pool.clientId,
    tokenUse: null,
  }));
  const verifier = CognitoJwtVerifier.create(pools);
  for (const pool of pools) {
    if (keys) verifier.cacheJwks(keys as Parameters<typeof verifier.cacheJwks>[0], pool.userPoolId);
  }
  return async (token) => (await verifier.verify(token)) as Readonly<Record<string, unknown>>;
}

function verifierFor(config: AuthConfig, keys?: CognitoKeys): VerifyToken | undefined {
  switch (config.mode) {
    case 'off':
      return undefined;
    case 'jwt': {
      const verify = createJwtVerifier(config);
      return async (token) => verify(token);
    }
    case 'cognito':
      return cognitoVerifier(config, keys);
    case 'apigateway':
      throw new Error(
        'AUTH_MODE=apigateway trusts an HTTP authorizer; a WebSocket connection verifies its own token (AUTH_MODE=cognito)',
      );
  }
}

/** Builds the token check for the configured mode. */
export function createTokenAuthenticator(
  config: AuthConfig,
  options: { readonly cognitoKeys?: CognitoKeys } = {},
): AuthenticateToken {
  const verify = verifierFor(config, options.cognitoKeys);
  if (verify === undefined || config.mode === 'off') return async () => TRUSTED_CALLER;
  const { adminGroup } = config;
  const adminIssuer =
    config.mode === 'cognito' && config.admins
      ? cognitoIssuer(config.admins.userPoolId)
      : undefined;
  return async (authorization) => {
    const token = bearerTokenOf(authorization);
    if (token === undefined) throw new UnauthenticatedError();
    let claims: Readonly<Record<string, unknown>>;
    try {
      claims = await verify(token);
    } catch (error) {
      throw new UnauthenticatedError('The token is invalid or expired.', { cause: error });
    }
    return callerFromClaims(claims, adminGroup, adminIssuer);
  };
}
