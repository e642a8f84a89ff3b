import { spawn } from 'node:child_process';

/** One way of starting a process whose time to exit is a cold start. */
export interface ColdStartVariant {
  readonly name: string;
  /** Arguments to `node`. */
  readonly args: readonly string[];
}

/** The wall time of one cold start, and what the driver inside it measured, in milliseconds. */
export interface ColdStartRun {
  readonly wallMs: number;
  readonly importMs?: number;
  readonly firstRequestMs?: number;
}

/**
 * Starts `node` with the variant's arguments and times it from spawn to exit. Asynchronous on
 * purpose: the emulators answering the first request live in this process's event loop.
 */
export function runColdStart(
  variant: ColdStartVariant,
  env: NodeJS.ProcessEnv,
  cwd: string,
): Promise<ColdStartRun> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, variant.args, {
      cwd,
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const wallMs = performance.now() - started;
      if (code !== 0) {
        reject(new Error(`${variant.name} exited with ${code}: ${stderr.slice(-2000)}`));
        return;
      }
      const report = /^COLD_START (.+)$/m.exec(stderr)?.[1];
      resolve({ wallMs, ...(report && (JSON.parse(report) as Omit<ColdStartRun, 'wallMs'>)) });
    });
  });
}

/**
 * Runs each variant `rounds` times, interleaved (round by round, rotating the order) so that all
 * share the machine's noise alike; one unmeasured warm-up run of each fills the OS file cache.
 */
export async function measureColdStarts(
  variants: readonly ColdStartVariant[],
  rounds: number,
  env: NodeJS.ProcessEnv,
  cwd: string,
): Promise<Record<string, ColdStartRun[]>> {
  for (const variant of variants) await runColdStart(variant, env, cwd);
  const runs: Record<string, ColdStartRun[]> = Object.fromEntries(
    variants.map((v) => [v.name, []]),
  );
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < variants.length; i++) {
      const variant = variants[(round + i) % variants.length] as ColdStartVariant;
      runs[variant.name]?.push(await runColdStart(variant, env, cwd));
    }
  }
  return runs;
}
