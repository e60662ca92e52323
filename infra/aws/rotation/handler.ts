import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { rotate, secretsManagerPorts, type RotationEvent, type SecretRotation } from './protocol';

/**
 * Secrets Manager rotation for the app's generated secrets: a new random string, no outside
 * system to tell (the protocol's steps are `protocol.ts`).
 *
 * The approval-link key is the HMAC key of links already in people's mailboxes: after a
 * rotation, links signed with the old value only verify if the verifier also accepts
 * AWSPREVIOUS (which Secrets Manager keeps for exactly one rotation). Rotating every 90 days
 * against links that live at most days keeps that window far wider than any link's life.
 */
const LENGTH = Number(process.env['SECRET_LENGTH'] ?? '64');

export const randomString: SecretRotation = {
  create: (_current, password) => Promise.resolve(password),
  // Nothing outside Secrets Manager holds this value.
  set: () => Promise.resolve(),
  test(pending) {
    if (pending.length < LENGTH) throw new Error(`The pending value is shorter than ${LENGTH} characters`);
  },
};

const ports = secretsManagerPorts(new SecretsManagerClient({}), { PasswordLength: LENGTH, ExcludePunctuation: true });

export async function handler(event: RotationEvent): Promise<void> {
  await rotate(event, ports, randomString);
}
