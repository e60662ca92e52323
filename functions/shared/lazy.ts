/**
 * Work a module would otherwise do at import, done on first use instead. A Lambda's module load is
 * paid at every cold start, before the handler runs; a zod schema built at top level costs
 * 0.1–20 ms of CPU there (a large object schema with its checks, regexes and defaults), also in a
 * function that imports the module only for a type guard or a constant, or whose invocation is
 * refused before it parses anything.
 *
 * `lazy(make)` stands for the object `make` returns (a schema, a table built from reference data):
 * the first read of any of its properties calls `make`, once, and every read goes to that one
 * object from then on. Its type is `make`'s, so an exported `const Schema = lazy(() => z.object(…))`
 * is used exactly as the schema itself (`Schema.parse`, `z.infer<typeof Schema>`, inside another
 * schema: composing does not read it, so does not build it). Methods it inherits are bound to the
 * object, each once (a Map's `get` or a class's method using private fields needs its own receiver);
 * its own function properties are given as they are (zod's close over their schema; a test's spy).
 *
 * `once(make)` is the same for any value, as a function: `const table = once(() => …); table()`.
 */
export function lazy<T extends object>(make: () => T): T {
  let made: T | undefined;
  const real = (): T => (made ??= make());
  const bound = new WeakMap<(...args: unknown[]) => unknown, unknown>();
  return new Proxy({} as T, {
    get: (_target, property) => {
      const target = real();
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function' || Object.hasOwn(target, property)) return value;
      const method = value as (...args: unknown[]) => unknown;
      if (!bound.has(method)) bound.set(method, method.bind(target));
      return bound.get(method);
    },
    set: (_target, property, value) => Reflect.set(real(), property, value),
    has: (_target, property) => Reflect.has(real(), property),
    ownKeys: () => Reflect.ownKeys(real()),
    // Reported configurable: the proxy's own (empty) target has none of these properties, and a
    // proxy may not report a non-configurable property its target lacks.
    getOwnPropertyDescriptor: (_target, property) => {
      const descriptor = Reflect.getOwnPropertyDescriptor(real(), property);
      return descriptor && { ...descriptor, configurable: true };
    },
    getPrototypeOf: () => Reflect.getPrototypeOf(real()),
  });
}

/** `make`'s value, made on the first call and the same one at every call after. */
export function once<T>(make: () => T): () => T {
  let made: { value: T } | undefined;
  return () => (made ??= { value: make() }).value;
}
