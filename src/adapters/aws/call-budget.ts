import { AsyncLocalStorage } from 'node:async_hooks';

/** Until when the AWS calls of one piece of work (an invocation, a request) may run. */
interface Budget {
  readonly endsAt: number;
}

const current = new AsyncLocalStorage<Budget>();

/** What an invocation may spend on AWS calls: its remaining time less a reserve, at most a cap. */
export interface BudgetPolicy {
  /** Longest the calls of one invocation may take, whatever time Lambda still grants. */
  readonly capMs: number;
  /** Time kept back from the invocation's remaining time, to answer after the last call. */
  readonly reserveMs: number;
}

/** The budget an invocation with `remainingMs` left may give to its calls. */
export const budgetFor = (remainingMs: number, policy: BudgetPolicy): number =>
  Math.max(0, Math.min(policy.capMs, remainingMs - policy.reserveMs));

/**
 * Runs `work` so that every AWS call made inside it (through {@link callOptions}) is aborted
 * when `ms` have passed, retries included. A budget already running inside is never extended.
 */
export function withCallBudget<T>(ms: number, work: () => Promise<T>): Promise<T> {
  const endsAt = Math.min(Date.now() + ms, current.getStore()?.endsAt ?? Number.POSITIVE_INFINITY);
  return current.run({ endsAt }, work);
}

/**
 * Runs `work` with up to `extraMs` beyond the end of the budget it runs in: for the calls that
 * must not be cut short with the rest — the read that finds out what a call cut by the budget
 * did, and the write that records side effects already sent — so that the caller is told the
 * truth and nothing is sent twice. Every extension ends at the same instant, so together they
 * never add more than `extraMs`.
 */
export function withBudgetExtension<T>(extraMs: number, work: () => Promise<T>): Promise<T> {
  const budget = current.getStore();
  if (budget === undefined) return work();
  return current.run({ endsAt: budget.endsAt + extraMs }, work);
}

/** Milliseconds left in the current budget; infinite outside one. */
export function remainingBudgetMs(): number {
  const budget = current.getStore();
  return budget === undefined ? Number.POSITIVE_INFINITY : Math.max(0, budget.endsAt - Date.now());
}

/** The options to give `client.send` so that the call ends with the current budget. */
export function callOptions(): { abortSignal?: AbortSignal } {
  const remaining = remainingBudgetMs();
  if (remaining === Number.POSITIVE_INFINITY) return {};
  return { abortSignal: remaining > 0 ? AbortSignal.timeout(remaining) : AbortSignal.abort() };
}
