import { randomUUID } from 'node:crypto';
import { email } from '../manifest';
import type { EdgeReply } from './http';

/**
 * The read side of SES (v1 Query API and v2 REST-JSON) that developers' tools call, answered from
 * what the local set-up is: the sender's domain identity (as the CDK stack makes it, Easy DKIM,
 * with the configuration set), an account with production access, and the mail the mailbox holds.
 * Sending stays with the mailbox (`aws-ses-v2-local`): `handle` answers undefined for it.
 */
export interface SesApiOptions {
  /** The configuration set the application sends with (`ciss-<stage>-email`). */
  readonly configurationSet?: string;
  /** When each mail the mailbox holds was sent (epoch ms), for the send quota and statistics. */
  readonly sentAt: () => Promise<readonly number[]>;
  /** "now" (the runtime's clock). */
  readonly now?: () => number;
}

const V1_NS = 'http://ses.amazonaws.com/doc/2010-12-01/';
const DAY_MS = 86_400_000;

/**
 * The local account's quota. The mailbox limits nothing: -1 is what AWS's GetSendQuota gives for
 * an unlimited 24-hour quota; the rate has no "unlimited" value, so it is the 14 per second a
 * production account starts with.
 */
const MAX_24_HOUR_SEND = -1;
const MAX_SEND_RATE = 14;

/** The SES v1 actions the mailbox itself serves (it leaves every other one hanging). */
const MAILBOX_V1_ACTIONS: ReadonlySet<string> = new Set(['SendEmail', 'SendRawEmail']);

/** The SES v2 routes the mailbox itself serves. */
const MAILBOX_V2 = /^(POST \/v2\/email\/outbound-(bulk-)?emails|(GET|POST) \/v2\/email\/templates|(GET|PUT|DELETE) \/v2\/email\/templates\/[^/]+|POST \/v2\/email\/templates\/[^/]+\/render)$/;

export class LocalSesApi {
  readonly domain: string;

  constructor(private readonly options: SesApiOptions) {
    const domain = email.sender.split('@')[1];
    if (!domain) throw new Error(`manifest.email.sender "${email.sender}" is not an e-mail address`);
    this.domain = domain;
  }

  /**
   * The answer to an SES request, or undefined when the mailbox serves it (sending, templates).
   * Every other request is answered at once: what SES answers for an action or route it does
   * not have.
   */
  async handle(method: string, url: string, body: string): Promise<EdgeReply | undefined> {
    const path = url.split('?')[0] ?? url;
    if (method === 'POST' && path === '/') return this.v1(new URLSearchParams(body));
    if (MAILBOX_V2.test(`${method} ${path}`)) return undefined;
    return this.v2(method, path, new URLSearchParams(url.split('?')[1] ?? ''), body);
  }

  // ---- v1: the Query API (form in, XML out) -------------------------------------------------

  private async v1(params: URLSearchParams): Promise<EdgeReply | undefined> {
    const action = params.get('Action') ?? '';
    if (MAILBOX_V1_ACTIONS.has(action)) return undefined;
    switch (action) {
      // https://docs.aws.amazon.com/ses/latest/APIReference/API_ListIdentities.html
      case 'ListIdentities': {
        const type = params.get('IdentityType');
        if (type && type !== 'EmailAddress' && type !== 'Domain') return queryError('ValidationError', `Value '${type}' at 'identityType' failed to satisfy constraint: Member must satisfy enum value set: [EmailAddress, Domain]`);
        return queryResult(action, { Identities: type === 'EmailAddress' ? [] : [this.domain] });
      }
      // https://docs.aws.amazon.com/ses/latest/APIReference/API_ListVerifiedEmailAddresses.html (addresses only: the identity is a domain)
      case 'ListVerifiedEmailAddresses':
        return queryResult(action, { VerifiedEmailAddresses: [] });
      // https://docs.aws.amazon.com/ses/latest/APIReference/API_GetIdentityVerificationAttributes.html
      case 'GetIdentityVerificationAttributes': {
        const asked = members(params, 'Identities');
        const entries = asked.filter((i) => i === this.domain).map((key) => ({ key, value: { VerificationStatus: 'Success', VerificationToken: 'local' } }));
        return queryResult(action, { VerificationAttributes: { entries } });
      }
      // https://docs.aws.amazon.com/ses/latest/APIReference/API_GetSendQuota.html
      case 'GetSendQuota':
        return queryResult(action, { Max24HourSend: MAX_24_HOUR_SEND.toFixed(1), MaxSendRate: MAX_SEND_RATE.toFixed(1), SentLast24Hours: (await this.sentLast24Hours()).toFixed(1) });
      // https://docs.aws.amazon.com/ses/latest/APIReference/API_GetSendStatistics.html: 15-minute data points over the last two weeks.
      case 'GetSendStatistics':
        return queryResult(action, { SendDataPoints: await this.sendDataPoints() });
      // https://docs.aws.amazon.com/ses/latest/APIReference/API_GetAccountSendingEnabled.html
      case 'GetAccountSendingEnabled':
        return queryResult(action, { Enabled: 'true' });
      // https://docs.aws.amazon.com/ses/latest/APIReference/API_ListConfigurationSets.html
      case 'ListConfigurationSets':
        return queryResult(action, { ConfigurationSets: this.configurationSets().map((Name) => ({ Name })) });
      default:
        return sesV1InvalidAction(action || '(none)');
    }
  }

  // ---- v2: REST-JSON ----------------------------------------------------------------------------

  private async v2(method: string, path: string, query: URLSearchParams, body: string): Promise<EdgeReply> {
    const route = `${method} ${path}`;
    // The List operations are GET with a query in older models (the AWS CLI v1) and POST with a
    // JSON body in newer ones (SDK v3 `POST /v2/email/list-identities`): both are served.
    let input: Record<string, unknown> = Object.fromEntries(query.entries());
    if (method === 'POST' && body.trim()) {
      try {
        input = JSON.parse(body) as Record<string, unknown>;
      } catch {
        return restError(400, 'BadRequestException', 'The request body is not JSON');
      }
    }
    // https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_GetAccount.html
    if (route === 'GET /v2/email/account') {
      return {
        status: 200,
        body: {
          DedicatedIpAutoWarmupEnabled: false,
          EnforcementStatus: 'HEALTHY',
          ProductionAccessEnabled: true,
          SendingEnabled: true,
          SendQuota: { Max24HourSend: MAX_24_HOUR_SEND, MaxSendRate: MAX_SEND_RATE, SentLast24Hours: await this.sentLast24Hours() },
          SuppressionAttributes: { SuppressedReasons: ['BOUNCE', 'COMPLAINT'] },
        },
      };
    }
    // https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_ListEmailIdentities.html
    if (route === 'GET /v2/email/identities' || route === 'POST /v2/email/list-identities') {
      const pageSize = input['PageSize'];
      if (pageSize !== undefined && !(Number(pageSize) >= 1 && Number(pageSize) <= 1000)) return restError(400, 'BadRequestException', 'PageSize must be between 1 and 1000');
      return { status: 200, body: { EmailIdentities: [{ IdentityType: 'DOMAIN', IdentityName: this.domain, SendingEnabled: true, VerificationStatus: 'SUCCESS' }] } };
    }
    const identity = /^GET \/v2\/email\/identities\/([^/]+)$/.exec(route)?.[1];
    if (identity !== undefined) {
      // https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_GetEmailIdentity.html: NotFoundException (404) for an identity that does not exist.
      const name = decodeURIComponent(identity);
      if (name.toLowerCase() !== this.domain) return restError(404, 'NotFoundException', `Email identity ${name} does not exist.`);
      return {
        status: 200,
        body: {
          IdentityType: 'DOMAIN',
          FeedbackForwardingStatus: true,
          VerifiedForSendingStatus: true,
          VerificationStatus: 'SUCCESS',
          DkimAttributes: { SigningEnabled: true, Status: 'SUCCESS', SigningAttributesOrigin: 'AWS_SES', Tokens: [], CurrentSigningKeyLength: 'RSA_2048_BIT', NextSigningKeyLength: 'RSA_2048_BIT' },
          MailFromAttributes: { MailFromDomain: '', MailFromDomainStatus: 'SUCCESS', BehaviorOnMxFailure: 'USE_DEFAULT_VALUE' },
          Policies: {},
          Tags: [],
          ...(this.options.configurationSet ? { ConfigurationSetName: this.options.configurationSet } : {}),
        },
      };
    }
    // https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_ListConfigurationSets.html
    if (route === 'GET /v2/email/configuration-sets' || route === 'POST /v2/email/list-configuration-sets') return { status: 200, body: { ConfigurationSets: this.configurationSets() } };
    const set = /^GET \/v2\/email\/configuration-sets\/([^/]+)$/.exec(route)?.[1];
    if (set !== undefined) {
      // https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_GetConfigurationSet.html
      const name = decodeURIComponent(set);
      if (!this.configurationSets().includes(name)) return restError(404, 'NotFoundException', `Configuration set <${name}> does not exist.`);
      return { status: 200, body: { ConfigurationSetName: name, SendingOptions: { SendingEnabled: true }, ReputationOptions: { ReputationMetricsEnabled: true }, DeliveryOptions: { TlsPolicy: 'REQUIRE' }, Tags: [] } };
    }
    return unknownRestOperation(method, path);
  }

  private configurationSets(): string[] {
    return this.options.configurationSet ? [this.options.configurationSet] : [];
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  private async sentLast24Hours(): Promise<number> {
    const since = this.now() - DAY_MS;
    return (await this.options.sentAt()).filter((at) => at > since).length;
  }

  private async sendDataPoints(): Promise<{ Timestamp: string; DeliveryAttempts: string; Bounces: string; Complaints: string; Rejects: string }[]> {
    const bucket = 15 * 60_000;
    const since = this.now() - 14 * DAY_MS;
    const counts = new Map<number, number>();
    for (const at of await this.options.sentAt()) {
      if (at <= since) continue;
      const start = Math.floor(at / bucket) * bucket;
      counts.set(start, (counts.get(start) ?? 0) + 1);
    }
    return [...counts.entries()]
      .sort(([a], [b]) => a - b)
      .map(([start, n]) => ({ Timestamp: new Date(start).toISOString(), DeliveryAttempts: String(n), Bounces: '0', Complaints: '0', Rejects: '0' }));
  }
}

/** The values of a Query API list parameter (`Identities.member.1`, `.2`, …), in order. */
function members(params: URLSearchParams, name: string): string[] {
  const out: string[] = [];
  for (let i = 1; params.has(`${name}.member.${i}`); i++) out.push(params.get(`${name}.member.${i}`) ?? '');
  return out;
}

type XmlValue = string | readonly XmlValue[] | { readonly entries: readonly { key: string; value: XmlValue }[] } | { readonly [k: string]: XmlValue };

const escapeXml = (text: string): string => text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** Query-protocol XML: lists as `<member>`, maps as `<entry><key/><value/></entry>`. */
function toXml(value: XmlValue): string {
  if (typeof value === 'string') return escapeXml(value);
  if (Array.isArray(value)) return value.map((v: XmlValue) => `<member>${toXml(v)}</member>`).join('');
  const record = value as Record<string, XmlValue>;
  if (Array.isArray(record['entries']) && Object.keys(record).length === 1) {
    return (record['entries'] as { key: string; value: XmlValue }[]).map((e) => `<entry><key>${escapeXml(e.key)}</key><value>${toXml(e.value)}</value></entry>`).join('');
  }
  return Object.entries(record)
    .map(([k, v]) => `<${k}>${toXml(v)}</${k}>`)
    .join('');
}

/** A Query API answer: `<{Action}Response><{Action}Result>…</…><ResponseMetadata><RequestId/>`. */
export function queryResult(action: string, result: Record<string, XmlValue>, namespace = V1_NS): EdgeReply {
  const body = `<${action}Response xmlns="${namespace}"><${action}Result>${toXml(result)}</${action}Result><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></${action}Response>\n`;
  return { status: 200, body, headers: { 'Content-Type': 'text/xml', 'x-amzn-RequestId': randomUUID() } };
}

/** A Query API error: 400, `<ErrorResponse><Error><Type>Sender</Type><Code/><Message/>`. */
export function queryError(code: string, message: string, namespace = V1_NS): EdgeReply {
  const body = `<ErrorResponse${namespace ? ` xmlns="${namespace}"` : ''}><Error><Type>Sender</Type><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>\n`;
  return { status: 400, body, headers: { 'Content-Type': 'text/xml' } };
}

/**
 * AWS's answer to a Query API action the service does not have: 400, Code InvalidAction (the
 * Query protocol's counterpart of the JSON protocols' UnknownOperationException; SES Common Errors).
 */
export function sesV1InvalidAction(action: string, namespace = V1_NS): EdgeReply {
  const safe = action.replace(/[^A-Za-z0-9()]/g, '').slice(0, 64);
  return queryError('InvalidAction', `The action ${safe} is not valid for this web service (the embedded runtime does not implement it).`, namespace);
}

/** A REST-JSON error: the code in `x-amzn-ErrorType`, the message in the body. */
export function restError(status: number, type: string, message: string): EdgeReply {
  return { status, body: { message }, headers: { 'Content-Type': 'application/json', 'x-amzn-ErrorType': type, 'x-amzn-RequestId': randomUUID() } };
}

/** What a REST-JSON service answers for a route it does not have: 404 UnknownOperationException. */
export function unknownRestOperation(method: string, path: string): EdgeReply {
  const safe = `${method} ${path}`.replace(/[^A-Za-z0-9/_.{}@ -]/g, '').slice(0, 120);
  return { status: 404, body: { message: `The embedded runtime does not serve ${safe}` }, headers: { 'Content-Type': 'application/json', 'x-amzn-ErrorType': 'UnknownOperationException', 'x-amzn-RequestId': randomUUID() } };
}
