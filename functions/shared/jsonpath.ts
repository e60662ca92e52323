/**
 * Reads a reference path (`$.a.b[0]`, `$['x']`) as the States Language allows in
 * `TimeoutSecondsPath`, `HeartbeatSecondsPath`, `SecondsPath` and `TimestampPath`: the fields
 * the local runtime evaluates itself because it, not the engine, owns time.
 */
export function readPath(path: string, value: unknown): unknown {
  if (!path.startsWith('$')) throw new Error(`Not a reference path: ${path}`);
  const segments = [...path.slice(1).matchAll(/\.([^.[\]]+)|\[(\d+)\]|\['([^']*)'\]/g)];
  if (segments.map((m) => m[0]).join('') !== path.slice(1)) throw new Error(`Not a reference path: ${path}`);
  let current: unknown = value;
  for (const [, dotted, index, quoted] of segments) {
    if (current === null || typeof current !== 'object') return undefined;
    const key = dotted ?? quoted ?? Number(index);
    if (!Object.hasOwn(current, key)) return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}
