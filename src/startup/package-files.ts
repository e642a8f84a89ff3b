/**
 * The files of a Lambda function package (the deployed asset), relative to its folder. The entry
 * Lambda calls is `index.js`; it compiles the application bundle `app.js` with its V8 code cache.
 */
export const PACKAGE_FILES = {
  /** The loader Lambda's handler setting (`index.<name>`) points at. */
  entry: 'index.js',
  /** The application bundle (CommonJS), compiled by the entry as a script. */
  app: 'app.js',
  /** The bundle's source map, read only when a stack trace is formatted. */
  map: 'app.js.map',
  /** V8's code cache for `app.js`, made after warm-up invocations. */
  cache: 'app.js.cache',
  /** {@link CodeCacheInfo} of the cache, as JSON. */
  cacheInfo: 'app.js.cache.json',
} as const;

/**
 * What a code cache was made for. V8 accepts a cache only from the same V8 version and build with
 * the same V8 flags, for the same source; the entry reports a rejection with these facts.
 */
export interface CodeCacheInfo {
  /** `process.version` of the Node.js that made it. */
  readonly node: string;
  /** `process.versions.v8`. */
  readonly v8: string;
  /** `process.arch`, e.g. `x64`. */
  readonly arch: string;
  /** `process.execArgv` of the process that made it: Lambda's V8 flags for the memory size. */
  readonly v8Flags: readonly string[];
  /** SHA-256 (hex) of the `app.js` it was made from. */
  readonly appSha256: string;
  /** The warm-up invocations run before the cache was taken. */
  readonly warmUps: readonly string[];
}
