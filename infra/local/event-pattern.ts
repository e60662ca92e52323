/**
 * EventBridge content filtering, for the local bus: exact values, prefix, suffix,
 * equals-ignore-case, wildcard, anything-but, exists, numeric ranges, nested objects and
 * arrays, as the EventBridge user guide ("Event patterns") describes them.
 */
export function matchesPattern(pattern: Readonly<Record<string, unknown>>, event: unknown): boolean {
  if (event === null || typeof event !== 'object' || Array.isArray(event)) return false;
  const record = event as Record<string, unknown>;
  return Object.entries(pattern).every(([key, rule]) => {
    const present = Object.hasOwn(record, key);
    const value = record[key];
    if (Array.isArray(rule)) return rule.some((matcher) => matchValue(matcher, value, present));
    if (rule !== null && typeof rule === 'object') return present && matchesPattern(rule as Record<string, unknown>, value);
    throw new Error(`Invalid event pattern at ${key}: expected an array or an object`);
  });
}

function matchValue(matcher: unknown, value: unknown, present: boolean): boolean {
  if (matcher !== null && typeof matcher === 'object' && !Array.isArray(matcher)) {
    const m = matcher as Record<string, unknown>;
    if ('exists' in m) return m['exists'] === (present && value !== undefined);
    if (!present) return false;
  } else if (!present) {
    return false;
  }
  const values = Array.isArray(value) ? value : [value];
  return values.some((v) => matchOne(matcher, v));
}

function matchOne(matcher: unknown, value: unknown): boolean {
  if (matcher === null || typeof matcher !== 'object') return matcher === value;
  const m = matcher as Record<string, unknown>;
  if ('prefix' in m) return typeof value === 'string' && typeof m['prefix'] === 'string' && value.startsWith(m['prefix']);
  if ('suffix' in m) return typeof value === 'string' && typeof m['suffix'] === 'string' && value.endsWith(m['suffix']);
  if ('equals-ignore-case' in m) return typeof value === 'string' && String(m['equals-ignore-case']).toLowerCase() === value.toLowerCase();
  if ('wildcard' in m) return typeof value === 'string' && wildcard(String(m['wildcard'])).test(value);
  if ('anything-but' in m) {
    const but = m['anything-but'];
    if (Array.isArray(but)) return !but.includes(value);
    if (but !== null && typeof but === 'object') return !matchOne(but, value);
    return value !== but;
  }
  if ('numeric' in m) return typeof value === 'number' && numeric(m['numeric'] as unknown[], value);
  throw new Error(`Unsupported event pattern matcher: ${JSON.stringify(matcher)}`);
}

function numeric(conditions: readonly unknown[], value: number): boolean {
  for (let i = 0; i < conditions.length; i += 2) {
    const op = conditions[i];
    const bound = Number(conditions[i + 1]);
    const ok = op === '=' ? value === bound : op === '<' ? value < bound : op === '<=' ? value <= bound : op === '>' ? value > bound : op === '>=' ? value >= bound : false;
    if (!ok) return false;
  }
  return true;
}

function wildcard(pattern: string): RegExp {
  return new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
}
