import fc from 'fast-check';

/** `fc.assert` under a name the jest lint rule counts as an assertion. */
export function assertProperty<Ts>(property: fc.IRawProperty<Ts>, params?: fc.Parameters<Ts>): void {
  fc.assert(property, params);
}
