import { rotate, type SecretsPorts } from '#infra/aws/rotation/protocol';
import { randomString } from '#infra/aws/rotation/handler';

/** One secret in memory, with Secrets Manager's version stages. */
function fakeSecret(rotationEnabled = true) {
  const values = new Map<string, string>([['v1', 'x'.repeat(64)]]);
  const versions: Record<string, string[]> = { v1: ['AWSCURRENT'], v2: ['AWSPENDING'] };
  let made = 0;
  const ports: SecretsPorts = {
    describe: () => Promise.resolve({ rotationEnabled, versions }),
    value: (_, stage, versionId) => {
      const id = versionId ?? Object.entries(versions).find(([, stages]) => stages.includes(stage))?.[0];
      return Promise.resolve(id === undefined ? undefined : values.get(id));
    },
    randomPassword: () => Promise.resolve(`${++made}`.padEnd(64, 'r')),
    putPending: (_, token, value) => Promise.resolve(void values.set(token, value)),
    moveCurrent: (_, token, from) => {
      versions[token] = ['AWSCURRENT'];
      if (from) versions[from] = ['AWSPREVIOUS'];
      return Promise.resolve();
    },
  };
  return { values, versions, ports, made: () => made };
}
const steps = ['createSecret', 'setSecret', 'testSecret', 'finishSecret'] as const;
const event = (Step: (typeof steps)[number]) => ({ SecretId: 'arn:key', ClientRequestToken: 'v2', Step });

describe("the generated secrets' rotation", () => {
  it('makes one new random value, keeps the old one as AWSPREVIOUS, and repeats no step', async () => {
    const secret = fakeSecret();
    for (const step of steps) await rotate(event(step), secret.ports, randomString);
    await rotate(event('createSecret'), secret.ports, randomString);
    await rotate(event('finishSecret'), secret.ports, randomString);

    expect(secret.made()).toBe(1);
    expect(secret.values.get('v2')).toBe('1'.padEnd(64, 'r'));
    expect(secret.versions).toEqual({ v1: ['AWSPREVIOUS'], v2: ['AWSCURRENT'] });
  });

  it('refuses a secret without rotation, and a pending value too short to be a key', async () => {
    await expect(rotate(event('createSecret'), fakeSecret(false).ports, randomString)).rejects.toThrow(/does not have rotation enabled/);
    const secret = fakeSecret();
    secret.values.set('v2', 'short');
    await expect(rotate(event('testSecret'), secret.ports, randomString)).rejects.toThrow(/shorter than 64 characters/);
  });
});
