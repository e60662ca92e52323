/**
 * What a module builds at import, counted (issue 19, module load): zod/mini's builders and an SDK
 * or library class replaced by copies that report each call. Call these at a test file's top
 * level, before it imports the modules under test (jest.unstable_mockModule applies to later
 * imports only).
 */
import { jest } from '@jest/globals';
import type * as ZodMini from 'zod/mini';


type Builder = Extract<keyof typeof ZodMini, 'object' | 'strictObject' | 'looseObject' | 'string' | 'union' | 'discriminatedUnion' | 'enum' | 'array'>;

/** zod/mini with each named builder reporting its name before it builds. */
export async function countZodBuilders(builders: readonly Builder[], onBuild: (builder: Builder) => void): Promise<void> {
  const actual = await import('zod/mini');
  const counted = Object.fromEntries(
    builders.map((name) => {
      const make = actual[name] as (...args: unknown[]) => unknown;
      return [name, (...args: unknown[]) => (onBuild(name), make(...args))];
    }),
  );
  jest.unstable_mockModule('zod/mini', () => ({ ...actual, ...counted }));
}

/** A module whose class `name` reports each construction (the class is extended, so it still works). */
export async function countConstructions(moduleName: string, name: string, onMake: () => void): Promise<void> {
  const actual = (await import(moduleName)) as Record<string, unknown>;
  const Base = actual[name] as new (...args: unknown[]) => object;
  const Counted = class extends Base {
    constructor(...args: unknown[]) {
      super(...args);
      onMake();
    }
  };
  jest.unstable_mockModule(moduleName, () => ({ ...actual, [name]: Counted }));
}
