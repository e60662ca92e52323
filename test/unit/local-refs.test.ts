import { email, functions, machines, type Ref } from '../../infra/manifest';
import { functionEnvironment, localNames, resolveLocalRef, type LocalRefTargets } from '../../infra/local/refs';

const targets: LocalRefTargets = {
  names: localNames('unit'),
  functionArn: (name) => `arn:aws:lambda:us-east-1:000000000000:function:ciss-unit-${name}`,
  machineArn: (name) => `arn:aws:states:us-east-1:000000000000:stateMachine:ciss-unit-${name}`,
  apiUrl: 'http://127.0.0.1:3000',
  keyArn: 'arn:aws:kms:us-east-1:000000000000:key/local',
  secretArn: (name) => `arn:aws:secretsmanager:us-east-1:000000000000:secret:ciss-unit-${name}`,
  endpoint: (name) => `http://127.0.0.1:9999/${name}`,
  searchDbArn: 'arn:aws:rds:us-east-1:000000000000:cluster:ciss-unit-search',
  searchDbSecretArn: (access) => `arn:aws:secretsmanager:us-east-1:000000000000:secret:ciss-unit-search-${access}`,
};

describe('local references', () => {
  it.each<[Ref, string]>([
    [{ ref: 'table', table: 'main' }, 'ciss-unit-main'],
    [{ ref: 'bus' }, 'ciss-unit-bus'],
    [{ ref: 'sender' }, email.sender],
    [{ ref: 'configurationSet' }, 'ciss-unit-email'],
    [{ ref: 'function', function: 'arrests-transmit' }, 'arn:aws:lambda:us-east-1:000000000000:function:ciss-unit-arrests-transmit'],
    [{ ref: 'machine', machine: 'arrest-packet' }, 'arn:aws:states:us-east-1:000000000000:stateMachine:ciss-unit-arrest-packet'],
    [{ ref: 'apiUrl' }, 'http://127.0.0.1:3000'],
    [{ ref: 'key' }, 'arn:aws:kms:us-east-1:000000000000:key/local'],
    [{ ref: 'secret', secret: 'cms-credentials' }, 'arn:aws:secretsmanager:us-east-1:000000000000:secret:ciss-unit-cms-credentials'],
    [{ ref: 'endpoint', endpoint: 'cms' }, 'http://127.0.0.1:9999/cms'],
    [{ ref: 'literal', value: '3600' }, '3600'],
    [{ ref: 'searchDb' }, 'arn:aws:rds:us-east-1:000000000000:cluster:ciss-unit-search'],
    [{ ref: 'searchDbSecret', access: 'ingest' }, 'arn:aws:secretsmanager:us-east-1:000000000000:secret:ciss-unit-search-ingest'],
  ])('resolve %j to the local resource', (ref, expected) => {
    expect(resolveLocalRef(ref, targets)).toBe(expected);
  });

  it('give every function its environment, one value per name across the functions sharing the process', () => {
    const env = functionEnvironment((ref) => resolveLocalRef(ref, targets));

    const names = new Set(Object.values(functions).flatMap((spec) => Object.keys(spec.env)));
    expect(Object.keys(env).sort()).toEqual([...names].sort());
    expect(env).toMatchObject({ TABLE_NAME: 'ciss-unit-main', EVENT_BUS_NAME: 'ciss-unit-bus', CMS_URL: 'http://127.0.0.1:9999/cms' });
  });

  it('resolve every substitution of every state machine', () => {
    for (const spec of Object.values(machines)) {
      for (const ref of Object.values(spec.substitutions) as Ref[]) expect(resolveLocalRef(ref, targets)).toMatch(/^(arn:aws:[a-z]+:us-east-1:000000000000:|ciss-unit-|http:\/\/127\.0\.0\.1:|[^:]+$)/);
    }
  });
});
