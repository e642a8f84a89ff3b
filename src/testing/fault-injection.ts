/** An error shaped as the SDK reports a failed call. */
export function serviceError(name: string, httpStatusCode: number, fault: 'client' | 'server') {
  return Object.assign(new Error(`${name} (injected)`), {
    name,
    $fault: fault,
    $metadata: { httpStatusCode, attempts: 1 },
    ...(name.includes('Throttl') && { $retryable: { throttling: true } }),
  });
}

/** An error shaped as the SDK raises when a socket times out: no HTTP response, so no `$metadata`. */
export function timeoutError(message = 'socket timed out (injected)') {
  return Object.assign(new Error(message), { name: 'TimeoutError' });
}

export type FaultMode =
  /** The call fails before reaching the service. */
  | { kind: 'before'; error: Error }
  /** The service performs the call, then its response is lost. */
  | { kind: 'after'; error: Error };

/** The faults a real AWS call can meet. */
export const FAULT_KINDS = ['server-error', 'throttling', 'timeout', 'lost-response'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** The calls the order system makes while placing and dispatching an order. */
export const FAULTABLE_COMMANDS = {
  dynamodb: ['PutItemCommand', 'GetItemCommand', 'UpdateItemCommand'],
  sqs: ['SendMessageCommand'],
  sns: ['PublishCommand'],
} as const;

/**
 * The fault of a kind, as the SDK would surface it: a 5xx server fault, a throttling error, a
 * timeout before the request was served, or a request the service performed whose response never
 * came back (a timeout after the fact).
 */
export function faultMode(kind: FaultKind, service = 'Service'): FaultMode {
  switch (kind) {
    case 'server-error':
      return { kind: 'before', error: serviceError(`${service}InternalError`, 500, 'server') };
    case 'throttling':
      return { kind: 'before', error: serviceError('ThrottlingException', 400, 'client') };
    case 'timeout':
      return { kind: 'before', error: timeoutError() };
    case 'lost-response':
      return { kind: 'after', error: timeoutError('response lost after the call (injected)') };
  }
}

/** Random faults: each matching call fails with this probability, as a kind drawn at random. */
export interface RandomFaults {
  /** A number in [0, 1) on each call; pass a seeded generator for reproducible runs. */
  readonly random: () => number;
  readonly probability: number;
  /** @default every command */
  readonly commands?: readonly string[];
  /** @default {@link FAULT_KINDS} */
  readonly kinds?: readonly FaultKind[];
}

/** One fault that was injected. */
export interface InjectedFault {
  readonly command: string;
  readonly mode: FaultMode['kind'];
  /** Set when the fault came from {@link faultMode} or random injection. */
  readonly faultKind?: FaultKind;
}

export interface FaultSwitch {
  /** Makes the next `times` calls of `command` fail as `mode`. */
  fail(command: string, mode: FaultMode | FaultKind, times?: number): void;
  /** Turns random faults on, or off with `undefined`. Planned faults from `fail` come first. */
  randomly(faults: RandomFaults | undefined): void;
  /** Forgets planned faults and turns random faults off. */
  calm(): void;
  /** How many faults were injected so far. */
  readonly injected: number;
  /** Every fault injected so far, oldest first. */
  readonly log: readonly InjectedFault[];
}

type Next = (args: object) => Promise<unknown>;

type AddMiddleware = (
  middleware: (next: Next, context: { commandName?: string }) => Next,
  options: { step: 'initialize'; name: string; override: boolean; priority: 'high' },
) => void;

/** Any SDK v3 client; its overloaded `add` is narrowed to the initialize step used here. */
interface Client {
  middlewareStack: { add(...args: never[]): void };
}

interface Planned {
  readonly mode: FaultMode;
  readonly faultKind?: FaultKind;
  times: number;
}

/**
 * Injects faults into real SDK calls through the client's middleware stack: the request still
 * travels to the emulator unless the fault says it never arrived. The middleware runs before the
 * SDK's own retries, so one injected fault is one failed call as the caller sees it, with no
 * waiting. The document client shares its base client's stack and reports the low-level command
 * names (`PutItemCommand`, …).
 */
export function injectFaults(client: Client): FaultSwitch {
  const pending = new Map<string, Planned>();
  let random: RandomFaults | undefined;
  const log: InjectedFault[] = [];

  const choose = (command: string): Planned | undefined => {
    const planned = pending.get(command);
    if (planned && planned.times > 0) {
      planned.times -= 1;
      return planned;
    }
    if (!random || (random.commands && !random.commands.includes(command))) return undefined;
    if (random.random() >= random.probability) return undefined;
    const kinds = random.kinds ?? FAULT_KINDS;
    const faultKind = kinds[Math.floor(random.random() * kinds.length)] ?? 'server-error';
    return { mode: faultMode(faultKind), faultKind, times: 0 };
  };

  const add = client.middlewareStack.add.bind(client.middlewareStack) as AddMiddleware;
  add(
    (next, context) => async (args) => {
      const command = context.commandName ?? '';
      const fault = choose(command);
      if (!fault) return next(args);
      log.push({
        command,
        mode: fault.mode.kind,
        ...(fault.faultKind && { faultKind: fault.faultKind }),
      });
      if (fault.mode.kind === 'before') throw fault.mode.error;
      try {
        await next(args);
      } catch {
        // The service answered with an error, but that answer is lost as well.
      }
      throw fault.mode.error;
    },
    { step: 'initialize', name: 'faultInjection', override: true, priority: 'high' },
  );
  return {
    fail(command, mode, times = 1) {
      pending.set(
        command,
        typeof mode === 'string'
          ? { mode: faultMode(mode), faultKind: mode, times }
          : { mode, times },
      );
    },
    randomly(faults) {
      random = faults;
    },
    calm() {
      pending.clear();
      random = undefined;
    },
    get injected() {
      return log.length;
    },
    get log() {
      return log;
    },
  };
}

/**
 * A seeded pseudo-random generator (mulberry32): the same seed gives the same sequence, so a
 * failing randomized run can be replayed.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
