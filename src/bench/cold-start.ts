import { spawn } from 'node:child_process';

/** One way of starting a process whose time to exit is a cold start. */
export interface ColdStartVariant {
  readonly name: string;
  /** The `node` binary. */
  readonly node: string;
  /** Arguments to `node`, V8 flags first. */
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  /** Working directory (the package, as `/var/task` is in Lambda). */
  readonly cwd: string;
}

/** The wall time of one cold start, and what the driver inside it measured, in milliseconds. */
export interface ColdStartRun {
  readonly wallMs: number;
  readonly importMs?: number;
  readonly firstRequestMs?: number;
  /** What the process wrote to stdout (its logs). */
  readonly stdout: string;
}

/** Runs children as `nobody` when this process is root, as Lambda runs functions as a non-root user. */
const NOBODY = 65534;
const asNonRoot = process.getuid?.() === 0 ? { uid: NOBODY, gid: NOBODY } : {};

/**
 * Starts the variant's process and times it from spawn to exit. Asynchronous on purpose: the
 * emulators answering the first request live in this process's event loop.
 */
export function runColdStart(variant: ColdStartVariant): Promise<ColdStartRun> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(variant.node, variant.args, {
      cwd: variant.cwd,
      env: variant.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      ...asNonRoot,
    });
    let stderr = '';
    let stdout = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const wallMs = performance.now() - started;
      if (code !== 0) {
        reject(new Error(`${variant.name} exited with ${code}: ${stderr.slice(-2000)}`));
        return;
      }
      const report = /^COLD_START (.+)$/m.exec(stderr)?.[1];
      resolve({
        wallMs,
        stdout,
        ...(report && (JSON.parse(report) as Omit<ColdStartRun, 'wallMs' | 'stdout'>)),
      });
    });
  });
}

/**
 * Runs each variant `rounds` times, interleaved (round by round, rotating the order) so that all
 * share the machine's noise alike; the i-th run of every variant belongs to round i, so runs can
 * be compared pair by pair. One unmeasured run of each first fills the OS file cache.
 */
export async function measureColdStarts(
  variants: readonly ColdStartVariant[],
  rounds: number,
  onRound: (round: number) => void = () => undefined,
): Promise<Record<string, ColdStartRun[]>> {
  for (const variant of variants) await runColdStart(variant);
  const runs: Record<string, ColdStartRun[]> = Object.fromEntries(
    variants.map((v) => [v.name, []]),
  );
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < variants.length; i++) {
      const variant = variants[(round + i) % variants.length] as ColdStartVariant;
      runs[variant.name]?.push(await runColdStart(variant));
    }
    onRound(round);
  }
  return runs;
}
