/**
 * An object (a zod schema) built on the first read of one of its properties, once. A schema built
 * at import is paid at every cold start of every function importing its module, also by one whose
 * invocation never parses with it. `lazy(make)` has `make`'s type, so `export const X =
 * lazy(() => z.object(…))` is used as the schema itself; composing it into another schema reads
 * none of its properties, so does not build it.
 */
export function lazy<T extends object>(make: () => T): T {
  let made: T | undefined;
  const real = (): T => (made ??= make());
  return new Proxy({} as T, {
    get: (_target, property) => Reflect.get(real(), property),
    has: (_target, property) => Reflect.has(real(), property),
    getPrototypeOf: () => Reflect.getPrototypeOf(real()),
  });
}
