import type { Caller } from '../domain/caller.js';
import type { OrderDependencies } from '../use-cases/dependencies.js';

/** What each resolver is given: the use cases' dependencies and who is asking. */
export interface GraphQLContext {
  readonly deps: OrderDependencies;
  readonly caller: Caller;
  /** The request id of the invocation, for logs and error reports. */
  readonly requestId: string;
}
