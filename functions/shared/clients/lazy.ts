import { lazy } from '../lazy';

/**
 * An AWS client made on its first use instead of at import. Constructing an SDK v3 client resolves
 * its whole configuration (region, credential chain, the shared config files, user agent, retry
 * strategy): 2–7 ms of CPU each at cold start, paid by every function that imports the client's
 * module even when its invocation never calls it (a request refused by validation, a route that
 * reads DynamoDB but sends no mail). Made lazily, a function pays only for the clients it calls,
 * once per container, on the first call.
 *
 * The object stands for the client (`lazy`, functions/shared/lazy.ts): every property read (`send`,
 * `config`, `middlewareStack`, `destroy`) goes to the one client `make` returns, made on the first
 * read. Its methods are bound to it, so `const { send } = client` works as on the client itself.
 * Mocking the client's class (aws-sdk-client-mock stubs its prototype's `send`) reaches it as before.
 */
export function lazyClient<T extends object>(make: () => T): T {
  return lazy(make);
}

/**
 * What every client but DynamoDB's is made with. `cacheMiddleware`: the client resolves its
 * middleware stack once per command type instead of on every `send` (the SDK's default), about a
 * tenth of the SDK's own CPU per call. The DynamoDB document client refuses it (lib-dynamodb
 * throws on it: it shares its client's stack), so `dynamo` is made without. A client made with it
 * must not have middleware added after its first call.
 */
export const CLIENT_CONFIG = { cacheMiddleware: true } as const;
