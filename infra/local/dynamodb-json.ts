import http, { type Agent } from 'node:http';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { LOCAL_REGION } from './lambda';

export type { AttributeValue };
export type AttributeMap = Record<string, AttributeValue>;

/**
 * A plain object as an item, as the document client writes it (@aws-sdk/util-dynamodb's
 * marshall: attributes without a value dropped, as `removeUndefinedValues` does).
 */
export const marshallItem = (item: Readonly<Record<string, unknown>>): AttributeMap => marshall(item, { removeUndefinedValues: true });

/** An item as a plain object, numbers as JS numbers, as the document client gives them. */
export const unmarshallItem = (item: Readonly<AttributeMap>): Record<string, unknown> => unmarshall(item as AttributeMap);

/** An error DynamoDB answered: `name` is its type (`ConditionalCheckFailedException`, …), as the SDK names it. */
export class DynamoDbError extends Error {
  constructor(name: string, message: string, readonly status: number) {
    super(message);
    this.name = name;
  }
}

/** Now in SigV4's `x-amz-date` form, `yyyymmddThhmmssZ`. */
export function amzDate(at = new Date()): string {
  return at.toISOString().replace(/[-:]|\.\d{3}/g, '');
}

/**
 * An `Authorization` header in SigV4's form with a signature of zeros, for a request nothing
 * here verifies: the edge and DynamoDB Local read its credential scope
 * (`<access key>/<yyyymmdd>/<region>/<service>/aws4_request`) and check no signature.
 */
export function unsignedAuthorization(scope: { accessKeyId: string; date: string; region: string; service: string }, signedHeaders: string): string {
  return `AWS4-HMAC-SHA256 Credential=${scope.accessKeyId}/${scope.date.slice(0, 8)}/${scope.region}/${scope.service}/aws4_request, SignedHeaders=${signedHeaders}, Signature=${'0'.repeat(64)}`;
}

/** Network errors a reused keep-alive socket can meet, worth one more try (the SDK retries them too). */
const TRANSIENT = new Set(['ECONNRESET', 'EPIPE', 'ECONNREFUSED', 'ETIMEDOUT']);
const ATTEMPTS = 3;
const TIMEOUT_MS = 30_000;

/**
 * DynamoDB's JSON protocol over one keep-alive agent, for DynamoDB Local only: the request the
 * SDK would send, without the SDK (no middleware, no SigV4: DynamoDB Local checks no signature,
 * and reads the database from the credential scope, which is the one the application's clients
 * sign with). The runtime's own store (the local Step Functions) makes about as many DynamoDB
 * requests as the application, and the SDK's per-request cost was a quarter of the runtime's CPU.
 * A 5xx, a throttle or a reset connection is tried again, up to 3 times, as the SDK would.
 */
export class DynamoDbJson {
  private readonly url: URL;

  constructor(endpoint: string, private readonly agent?: Agent, private readonly region = LOCAL_REGION) {
    this.url = new URL('/', endpoint);
  }

  async send<T = Record<string, unknown>>(operation: string, input: object): Promise<T> {
    const body = Buffer.from(JSON.stringify(input), 'utf8');
    for (let attempt = 1; ; attempt++) {
      try {
        return (await this.post(operation, body)) as T;
      } catch (error) {
        const err = error as Error & { code?: string };
        const transient = err instanceof DynamoDbError ? err.status >= 500 || /Throttl|LimitExceeded/.test(err.name) : TRANSIENT.has(err.code ?? '');
        if (!transient || attempt >= ATTEMPTS) throw error;
        await new Promise((resolve) => setTimeout(resolve, 20 * attempt));
      }
    }
  }

  private post(operation: string, body: Buffer): Promise<unknown> {
    const now = amzDate();
    const headers = {
      'content-type': 'application/x-amz-json-1.0',
      'content-length': String(body.length),
      'x-amz-target': `DynamoDB_20120810.${operation}`,
      'x-amz-date': now,
      authorization: unsignedAuthorization({ accessKeyId: 'local', date: now, region: this.region, service: 'dynamodb' }, 'content-type;host;x-amz-date;x-amz-target'),
    };
    return new Promise((resolve, reject) => {
      const request = http.request(this.url, { method: 'POST', headers, agent: this.agent, timeout: TIMEOUT_MS }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: Record<string, unknown>;
          try {
            parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
          } catch {
            return reject(new DynamoDbError('InternalFailure', `DynamoDB Local answered ${res.statusCode ?? 0} with a body that is not JSON`, res.statusCode ?? 500));
          }
          const status = res.statusCode ?? 500;
          if (status < 300) return resolve(parsed);
          const type = String(parsed['__type'] ?? 'InternalFailure');
          const message = String(parsed['message'] ?? parsed['Message'] ?? `DynamoDB Local answered ${status}`);
          reject(new DynamoDbError(type.slice(type.lastIndexOf('#') + 1), message, status));
        });
      });
      request.on('timeout', () => request.destroy(Object.assign(new Error(`DynamoDB Local did not answer ${operation} within ${TIMEOUT_MS} ms`), { code: 'ETIMEDOUT' })));
      request.on('error', reject);
      request.end(body);
    });
  }
}
