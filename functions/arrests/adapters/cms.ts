import * as z from 'zod/mini';
import { AppError, TransientFailure } from '#shared/errors';
import { lazy } from '#shared/lazy';

/** CMS is unreachable or answered 5xx / 429: the machine retries with back-off and jitter. */
export class CmsUnavailable extends TransientFailure {}
/** CMS refused the packet (4xx): retrying would not help; the execution fails visibly. */
export class CmsRejected extends AppError {
  readonly statusCode = 502;
}

/** What CMS takes in: one version of one packet, once per idempotency key. */
export interface CmsCase {
  readonly packetId: string;
  readonly packetVersion: number;
  readonly ori: string;
  readonly incidentNumber: string;
  readonly packet: unknown;
}

/** The case management system as the transmit step sees it. */
export interface Cms {
  /** The docket number CMS gives the case; the same key again gets the same docket. */
  intake(body: CmsCase, idempotencyKey: string): Promise<string>;
}

/** Built on the first answer (`lazy`), not at import. */
const CmsAnswer = lazy(() => z.object({ docketNumber: z.string().check(z.minLength(1)) }));

/**
 * The Division of Criminal Justice's intake API over HTTPS: `POST {url}/cases` with a bearer
 * credential and an Idempotency-Key. Answers are sorted into what a retry can fix (5xx, 429, no
 * answer in `timeoutMs`: CmsUnavailable) and what it cannot (any other refusal, or an answer
 * without a docket number: CmsRejected).
 */
export class HttpCms implements Cms {
  constructor(
    private readonly url: string,
    private readonly credential: () => Promise<string>,
    private readonly timeoutMs = 20_000,
  ) {}

  async intake(body: CmsCase, idempotencyKey: string): Promise<string> {
    const credential = await this.credential();
    let response: Response;
    // Bounded well inside the Lambda timeout; cleared (not left to keep a process alive) once answered.
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), this.timeoutMs);
    try {
      response = await fetch(`${this.url.replace(/\/$/, '')}/cases`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${credential}`, 'Idempotency-Key': idempotencyKey },
        body: JSON.stringify(body),
        signal: abort.signal,
      });
    } catch (error) {
      throw new CmsUnavailable(`CMS could not be reached: ${(error as Error).name}`);
    } finally {
      clearTimeout(timer);
    }
    if (response.status >= 500 || response.status === 429) throw new CmsUnavailable(`CMS answered ${response.status}`);
    if (!response.ok) throw new CmsRejected(`CMS refused packet ${body.packetId} version ${body.packetVersion} with ${response.status}`);
    const parsed = CmsAnswer.safeParse(await response.json().catch(() => undefined));
    if (!parsed.success) throw new CmsRejected(`CMS answered ${response.status} without a docket number`);
    return parsed.data.docketNumber;
  }
}
