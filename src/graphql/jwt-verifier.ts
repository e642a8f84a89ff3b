import { createPublicKey, verify } from 'node:crypto';

export interface JwtVerifierOptions {
  /** PEM (SPKI) EC P-256 public key. */
  readonly publicKey: string;
  readonly issuer: string;
  readonly audience?: string;
  /** Seconds of clock skew allowed on `exp` and `nbf`. @default 5 */
  readonly clockToleranceSeconds?: number;
}

export type JwtClaims = Readonly<Record<string, unknown>>;

/** Raised for any token that is malformed, wrongly signed, expired or meant for someone else. */
export class InvalidTokenError extends Error {
  constructor(reason: string) {
    super(`Invalid token: ${reason}`);
    this.name = 'InvalidTokenError';
  }
}

function decodePart(part: string | undefined, what: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(Buffer.from(part ?? '', 'base64url').toString('utf8'));
    if (typeof value === 'object' && value !== null && !Array.isArray(value))
      return value as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new InvalidTokenError(`its ${what} is not a JSON object`);
}

/**
 * Verifies compact ES256 JWTs with Node's own crypto: the signature over header and payload,
 * then `exp` (required), `nbf`, `iss` and `aud`. Only ES256 is accepted, whatever the header
 * says, so no token can choose a weaker algorithm. Kept dependency-free because it is loaded by
 * the Lambda bundle.
 */
export function createJwtVerifier(options: JwtVerifierOptions): (token: string) => JwtClaims {
  const key = createPublicKey(options.publicKey);
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new Error('JWT_PUBLIC_KEY must be an EC P-256 public key (ES256)');
  }
  const tolerance = options.clockToleranceSeconds ?? 5;
  return (token) => {
    const parts = token.split('.');
    if (parts.length !== 3) throw new InvalidTokenError('it is not a compact JWS');
    const [header, payload, signature] = parts as [string, string, string];
    if (decodePart(header, 'header').alg !== 'ES256')
      throw new InvalidTokenError('its algorithm is not ES256');
    const signed = verify(
      'sha256',
      Buffer.from(`${header}.${payload}`),
      { key, dsaEncoding: 'ieee-p1363' },
      Buffer.from(signature, 'base64url'),
    );
    if (!signed) throw new InvalidTokenError('its signature does not match');
    const claims = decodePart(payload, 'payload');
    const now = Date.now() / 1000;
    if (typeof claims.exp !== 'number' || claims.exp + tolerance <= now)
      throw new InvalidTokenError('it has expired');
    if (typeof claims.nbf === 'number' && claims.nbf - tolerance > now)
      throw new InvalidTokenError('it is not valid yet');
    if (claims.iss !== options.issuer) throw new InvalidTokenError('its issuer is not trusted');
    if (options.audience !== undefined) {
      const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
      if (!audiences.includes(options.audience))
        throw new InvalidTokenError('it is meant for another audience');
    }
    return claims;
  };
}
