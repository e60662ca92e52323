import {
  DeleteIdentityCommand,
  GetAccountSendingEnabledCommand,
  GetIdentityVerificationAttributesCommand,
  GetSendQuotaCommand,
  GetSendStatisticsCommand,
  ListConfigurationSetsCommand,
  ListIdentitiesCommand,
  SendEmailCommand,
  SESClient,
} from '@aws-sdk/client-ses';
import { cli, cliError, describeWithCli, failure, givenEdge, json, stopEdge, type Edge } from './harness';

/** SES v1, the Query API (form in, XML out), through the edge as `AWS_ENDPOINT_URL`. */
describe('SES v1 (Query API) on the edge answers as SES does', () => {
  let edge: Edge;
  let ses: SESClient;

  beforeAll(async () => {
    edge = await givenEdge();
    ses = new SESClient(edge.client);
  });
  afterAll(async () => {
    ses.destroy();
    await stopEdge(edge);
  });

  // API_ListIdentities: "Returns a list containing all of the identities (email addresses and
  // domains) for your Amazon Web Services account in the current Amazon Web Services Region,
  // regardless of verification status"; IdentityType narrows it to EmailAddress or Domain.
  // The stack's identity is the sender's domain (infra/aws/stateful.ts, Easy DKIM).
  it('lists the sender domain as the one identity, and no address identity', async () => {
    await expect(ses.send(new ListIdentitiesCommand({}))).resolves.toMatchObject({ Identities: ['ciss.ct.example'] });
    await expect(ses.send(new ListIdentitiesCommand({ IdentityType: 'Domain' }))).resolves.toMatchObject({ Identities: ['ciss.ct.example'] });
    await expect(ses.send(new ListIdentitiesCommand({ IdentityType: 'EmailAddress' }))).resolves.toMatchObject({ Identities: [] });
  });

  // API_GetIdentityVerificationAttributes: a map of identity -> VerificationStatus
  // (Pending | Success | Failed | TemporaryFailure | NotStarted) for the identities asked about.
  it('tells the sender domain is verified', async () => {
    const out = await ses.send(new GetIdentityVerificationAttributesCommand({ Identities: ['ciss.ct.example', 'unknown.example'] }));
    expect(out.VerificationAttributes?.['ciss.ct.example']?.VerificationStatus).toBe('Success');
    expect(out.VerificationAttributes?.['unknown.example']).toBeUndefined();
  });

  // API_GetSendQuota: Max24HourSend ("A value of -1 signifies an unlimited quota"), MaxSendRate,
  // SentLast24Hours ("The number of emails sent during the previous 24 hours"), all Double.
  it('gives the send quota, counting the mail sent in the last 24 hours', async () => {
    const before = await ses.send(new GetSendQuotaCommand({}));
    expect(before).toMatchObject({ Max24HourSend: -1, MaxSendRate: 14 });
    await ses.send(
      new SendEmailCommand({
        Source: 'no-reply@ciss.ct.example',
        Destination: { ToAddresses: ['ops@ciss.ct.example'] },
        Message: { Subject: { Data: 'conformance' }, Body: { Text: { Data: 'quota' } } },
      }),
    );
    const after = await ses.send(new GetSendQuotaCommand({}));
    expect(after.SentLast24Hours).toBe((before.SentLast24Hours ?? 0) + 1);
  });

  // API_GetSendStatistics: "Provides sending statistics for the current Amazon Web Services Region.
  // The result is a list of data points, representing the last two weeks of sending activity. Each
  // data point in the list contains statistics for a 15-minute period of time."
  it('gives send statistics as 15-minute data points', async () => {
    const { SendDataPoints } = await ses.send(new GetSendStatisticsCommand({}));
    expect(SendDataPoints?.length).toBeGreaterThan(0);
    for (const point of SendDataPoints ?? []) {
      expect(point.Timestamp).toBeInstanceOf(Date);
      expect((point.Timestamp?.getTime() ?? 1) % (15 * 60_000)).toBe(0);
      expect(point).toMatchObject({ Bounces: 0, Complaints: 0, Rejects: 0 });
    }
  });

  // API_GetAccountSendingEnabled: "Returns the email sending status of the Amazon SES account"; Enabled: Boolean.
  it('says sending is enabled', async () => {
    await expect(ses.send(new GetAccountSendingEnabledCommand({}))).resolves.toMatchObject({ Enabled: true });
  });

  // API_ListConfigurationSets: ConfigurationSets, each with its Name.
  it('lists the configuration set the application sends with', async () => {
    const out = await ses.send(new ListConfigurationSetsCommand({}));
    expect(out.ConfigurationSets?.map((c) => c.Name)).toEqual([`ciss-${edge.h.stage}-email`]);
  });

  // Common Errors: InvalidAction, "The action or operation requested is invalid", HTTP 400 — the
  // Query protocol's answer for an action the service does not have. It comes at once: the
  // mailbox behind the edge would leave it hanging (the CLI then timed out after 60 s).
  it('answers an action it does not implement at once with InvalidAction (400)', async () => {
    const started = Date.now();
    const error = await failure(ses.send(new DeleteIdentityCommand({ Identity: 'ciss.ct.example' })));
    expect(error).toMatchObject({ name: 'InvalidAction', status: 400 });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  describeWithCli('with the AWS CLI', () => {
    it('aws ses list-identities and get-send-quota answer with data', async () => {
      expect(json(await cli(edge, ['ses', 'list-identities']))).toEqual({ Identities: ['ciss.ct.example'] });
      expect(json(await cli(edge, ['ses', 'get-send-quota']))).toMatchObject({ Max24HourSend: -1, MaxSendRate: 14 });
    });

    // With a 10 s read timeout (harness): an answer that never came would fail otherwise.
    it('aws ses delete-identity fails with InvalidAction', async () => {
      const out = await cli(edge, ['ses', 'delete-identity', '--identity', 'ciss.ct.example']);
      expect(out.code).not.toBe(0);
      expect(cliError(out)).toBe('InvalidAction');
    });
  });
});
