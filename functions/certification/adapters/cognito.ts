import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { SignatureV4 } from '@smithy/signature-v4';
import type { SourceData } from '@smithy/types';
import type { CognitoGroups } from './grants';

/**
 * Cognito user pools' AdminAddUserToGroup and AdminRemoveUserFromGroup, as SigV4-signed JSON
 * calls with the SDK's own signer and credential chain. The project has no
 * `@aws-sdk/client-cognito-identity-provider`; with it, this file becomes two `send` calls and
 * nothing else changes (the grant adapter takes `CognitoGroups`).
 */
const bytes = (data: SourceData): string | Uint8Array => (typeof data === 'string' ? data : data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength));

class Sha256 {
  private readonly hash: Hash | Hmac;
  constructor(secret?: SourceData) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret));
  }
  update(data: SourceData): void {
    this.hash.update(bytes(data));
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.hash.digest()));
  }
}

export function cognitoGroups(region = process.env['AWS_REGION'] ?? 'us-east-1'): CognitoGroups {
  const signer = new SignatureV4({ service: 'cognito-idp', region, credentials: defaultProvider(), sha256: Sha256 });
  const hostname = `cognito-idp.${region}.amazonaws.com`;
  async function call(action: string, input: { userPoolId: string; username: string; groupName: string }): Promise<void> {
    const body = JSON.stringify({ UserPoolId: input.userPoolId, Username: input.username, GroupName: input.groupName });
    const signed = await signer.sign({
      method: 'POST',
      protocol: 'https:',
      hostname,
      path: '/',
      query: {},
      headers: { host: hostname, 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AWSCognitoIdentityProviderService.${action}` },
      body,
    });
    const res = await fetch(`https://${hostname}/`, { method: 'POST', headers: signed.headers, body });
    if (!res.ok) {
      const error = (await res.json().catch(() => ({}))) as { __type?: string };
      // The name only (e.g. UserNotFoundException, TooManyRequestsException): the step's Retry reads it.
      const name = (error.__type ?? `HttpError${res.status}`).split('#').at(-1) ?? 'CognitoError';
      throw Object.assign(new Error(`Cognito ${action} failed: ${name}`), { name });
    }
  }
  return {
    addUserToGroup: (input) => call('AdminAddUserToGroup', input),
    removeUserFromGroup: (input) => call('AdminRemoveUserFromGroup', input),
  };
}
