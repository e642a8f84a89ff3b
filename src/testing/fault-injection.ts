/** An error shaped as the SDK reports a failed call. */
export function serviceError(name: string, httpStatusCode: number, fault: 'client' | 'server') {
  return Object.assign(new Error(`${name} (injected)`), {
    name,
    $fault: fault,
    $metadata: { httpStatusCode, attempts: 1 },
    ...(name.includes('Throttl') && { $retryable: { throttling: true } }),
  });
}

export type FaultMode =
  /** The call fails before reaching the service. */
  | { kind: 'before'; error: Error }
  /** The service performs the call, then its response is lost. */
  | { kind: 'after'; error: Error };

export interface FaultSwitch {
  /** Makes the next `times` calls of `command` fail as `mode`. */
  fail(command: string, mode: FaultMode, times?: number): void;
  /** How many faults were injected so far. */
  readonly injected: number;
}

type Next = (args: object) => Promise<unknown>;

type AddMiddleware = (
  middleware: (next: Next, context: { commandName?: string }) => Next,
  options: { step: 'initialize'; name: string; override: boolean },
) => void;

/** Any SDK v3 client; its overloaded `add` is narrowed to the initialize step used here. */
interface Client {
  middlewareStack: { add(...args: never[]): void };
}

/**
 * Injects faults into real SDK calls through the client's middleware stack: the request still
 * travels to the emulator unless the fault says it never arrived.
 */
export function injectFaults(client: Client): FaultSwitch {
  const pending = new Map<string, { mode: FaultMode; times: number }>();
  let injected = 0;
  const add = client.middlewareStack.add.bind(client.middlewareStack) as AddMiddleware;
  add(
    (next, context) => async (args) => {
      const command = context.commandName ?? '';
      const fault = pending.get(command);
      if (!fault || fault.times <= 0) return next(args);
      fault.times -= 1;
      injected += 1;
      if (fault.mode.kind === 'before') throw fault.mode.error;
      await next(args);
      throw fault.mode.error;
    },
    { step: 'initialize', name: 'faultInjection', override: true },
  );
  return {
    fail(command, mode, times = 1) {
      pending.set(command, { mode, times });
    },
    get injected() {
      return injected;
    },
  };
}
