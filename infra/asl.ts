import { readFileSync } from 'node:fs';
import path from 'node:path';
import { replacePlaceholders } from '../functions/shared/asl';
import { machines, type MachineName } from './manifest';

export const ROOT = path.resolve(import.meta.dirname, '..');

/** The ASL file of a machine, as written (with `${Placeholders}`). */
export function aslText(machine: MachineName): string {
  return readFileSync(path.join(ROOT, machines[machine].file), 'utf8');
}

/** Fills placeholders as Step Functions' DefinitionSubstitutions does; an unknown one is an error. */
export function substitute(text: string, values: Readonly<Record<string, string>>): string {
  return replacePlaceholders(text, (name) => {
    const value = values[name];
    if (value === undefined) throw new Error(`No substitution for \${${name}}`);
    return JSON.stringify(value).slice(1, -1);
  });
}
