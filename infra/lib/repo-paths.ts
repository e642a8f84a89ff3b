import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: handler entries and the lock file are found from here. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Absolute path of a file given relative to the repository root. */
export const fromRepoRoot = (relative: string) => join(REPO_ROOT, relative);
