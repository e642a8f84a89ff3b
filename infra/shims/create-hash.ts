import { type Hash, createHash as nodeCreateHash } from 'node:crypto';

/**
 * Stands in for `@apollo/utils.createhash` in Lambda bundles. That package reaches Node's crypto
 * through `module.require`, which a bundle does not provide, so inside a bundle it silently falls
 * back to the pure-JavaScript `sha.js`, hashing every query (and the whole schema at start) in
 * JavaScript. Same signature, same digests, native code.
 */
export function createHash(kind: string): Hash {
  return nodeCreateHash(kind);
}
