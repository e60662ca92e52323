import { functions } from '../../infra/manifest';

/** CloudFormation's pattern for IAM role descriptions (the stack derives each role's from its function's). */
const accepted = (text: string) => [...text].every((c) => c === '\t' || c === '\n' || c === '\r' || (c >= ' ' && c <= '~') || (c >= '\u00A1' && c <= '\u00FF'));

describe('the manifest’s function descriptions', () => {
  it.each(Object.entries(functions).map(([name, spec]) => [name, spec.description] as const))('%s has a description CloudFormation accepts on its role', (_name, description) => {
    expect({ description, accepted: accepted(description) }).toEqual({ description, accepted: true });
  });
});
