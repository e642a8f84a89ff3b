import type { APIGatewayProxyEvent, APIGatewayProxyEventV2 } from 'aws-lambda';
import type { AuthConfig } from '../config.js';
import { type Caller, TRUSTED_CALLER } from '../domain/caller.js';
import { UnauthenticatedError } from '../domain/errors.js';
import { createJwtVerifier } from './jwt-verifier.js';
import { bearerTokenOf, createTokenAuthenticator } from './token-authentication.js';

export type ApiEvent = APIGatewayProxyEventV2 | APIGatewayProxyEvent;

/** Works out who sent a request; throws {@link UnauthenticatedError} when it cannot. */
export type Authenticate = (event: ApiEvent) => Promise<Caller>;

type Claims = Readonly<Record<string, unknown>>;

/** Cognito puts groups in an array; API Gateway hands them on as "[a b]" text. */
function groupsOf(claims: Claims): string[] {
  const groups = claims['cognito:groups'];
  if (Array.isArray(groups)) return groups.map(String);
  if (typeof groups === 'string')
    return groups
      .replace(/^\[|\]$/g, '')
      .split(/[\s,]+/)
      .filter(Boolean);
  return [];
}

/**
 * The caller that verified claims describe: an admin by group (and, when `adminIssuer` is given,
 * only in tokens of that issuer), otherwise the customer named by `sub`.
 */
export function callerFromClaims(claims: Claims, adminGroup: string, adminIssuer?: string): Caller {
  const subject = claims.sub;
  if (typeof subject !== 'string' || subject.length === 0)
    throw new UnauthenticatedError('The token names no subject.');
  const fromAdminIssuer = adminIssuer === undefined || claims.iss === adminIssuer;
  if (fromAdminIssuer && groupsOf(claims).includes(adminGroup)) return { kind: 'admin', subject };
  return { kind: 'customer', subject, customerId: subject };
}

function authorizerClaims(event: ApiEvent): Claims | undefined {
  const authorizer = (event.requestContext as { authorizer?: unknown }).authorizer as
    | { jwt?: { claims?: Claims }; claims?: Claims }
    | null
    | undefined;
  return authorizer?.jwt?.claims ?? authorizer?.claims;
}

/** A request header's value, whatever the case of its name. */
export function headerOf(
  event: { headers?: Readonly<Record<string, string | undefined>> | null },
  name: string,
): string | undefined {
  return Object.entries(event.headers ?? {}).find(([key]) => key.toLowerCase() === name)?.[1];
}

const bearerToken = (event: ApiEvent) => bearerTokenOf(headerOf(event, 'authorization'));

/** Builds the authentication step for the configured mode. */
export function createAuthenticator(config: AuthConfig): Authenticate {
  switch (config.mode) {
    case 'off':
      return async () => TRUSTED_CALLER;
    case 'apigateway':
      return async (event) => {
        const claims = authorizerClaims(event);
        if (claims === undefined) throw new UnauthenticatedError();
        return callerFromClaims(claims, config.adminGroup, config.adminIssuer);
      };
    case 'cognito': {
      const authenticateToken = createTokenAuthenticator(config);
      return async (event) => authenticateToken(headerOf(event, 'authorization'));
    }
    case 'jwt': {
      const verifyToken = createJwtVerifier(config);
      return async (event) => {
        const token = bearerToken(event);
        if (token === undefined) throw new UnauthenticatedError();
        let claims: Claims;
        try {
          claims = verifyToken(token);
        } catch (error) {
          throw new UnauthenticatedError('The token is invalid or expired.', { cause: error });
        }
        return callerFromClaims(claims, config.adminGroup);
      };
    }
  }
}
