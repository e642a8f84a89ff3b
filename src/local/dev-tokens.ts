import { exportSPKI, generateKeyPair, SignJWT } from 'jose';

export const LOCAL_ISSUER = 'urn:order-api:local';

export interface TokenOptions {
  readonly subject: string;
  readonly groups?: readonly string[];
  /** @default '1h' */
  readonly expiresIn?: string | number;
  /** @default LOCAL_ISSUER */
  readonly issuer?: string;
}

/** A local ES256 signing key: its public half configures `AUTH_MODE=jwt`, its private half signs test tokens. */
export interface LocalSigningKey {
  readonly publicKeyPem: string;
  sign(options: TokenOptions): Promise<string>;
}

export async function createLocalSigningKey(): Promise<LocalSigningKey> {
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  return {
    publicKeyPem: await exportSPKI(publicKey),
    sign: ({ subject, groups = [], expiresIn = '1h', issuer = LOCAL_ISSUER }) =>
      new SignJWT({ 'cognito:groups': [...groups] })
        .setProtectedHeader({ alg: 'ES256' })
        .setSubject(subject)
        .setIssuer(issuer)
        .setIssuedAt()
        .setExpirationTime(expiresIn)
        .sign(privateKey),
  };
}
