import { GetAccountCommand, GetConfigurationSetCommand, GetEmailIdentityCommand, ListConfigurationSetsCommand, ListContactListsCommand, ListEmailIdentitiesCommand, SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { cli, cliError, describeWithCli, failure, givenEdge, json, stopEdge, type Edge } from './harness';

/** SES v2 (REST-JSON) through the edge. */
describe('SES v2 on the edge answers as SES does', () => {
  let edge: Edge;
  let ses: SESv2Client;

  beforeAll(async () => {
    edge = await givenEdge();
    ses = new SESv2Client(edge.client);
  });
  afterAll(async () => {
    ses.destroy();
    await stopEdge(edge);
  });

  // APIReference-V2 API_GetAccount: "Obtain information about the email-sending status and
  // capabilities of your Amazon SES account": SendQuota {Max24HourSend, MaxSendRate,
  // SentLast24Hours}, SendingEnabled, ProductionAccessEnabled, EnforcementStatus (HEALTHY | …).
  it('gives the account: production access, sending enabled, healthy, its quota', async () => {
    const out = await ses.send(new GetAccountCommand({}));
    expect(out).toMatchObject({ ProductionAccessEnabled: true, SendingEnabled: true, EnforcementStatus: 'HEALTHY', DedicatedIpAutoWarmupEnabled: false });
    expect(out.SendQuota).toMatchObject({ Max24HourSend: -1, MaxSendRate: 14 });
    expect(typeof out.SendQuota?.SentLast24Hours).toBe('number');
  });

  // API_ListEmailIdentities: EmailIdentities [{IdentityType (EMAIL_ADDRESS | DOMAIN | MANAGED_DOMAIN),
  // IdentityName, SendingEnabled, VerificationStatus (PENDING | SUCCESS | FAILED | TEMPORARY_FAILURE | NOT_STARTED)}].
  it('lists the sender domain as a verified identity', async () => {
    const out = await ses.send(new ListEmailIdentitiesCommand({}));
    expect(out.EmailIdentities).toEqual([{ IdentityType: 'DOMAIN', IdentityName: 'ciss.ct.example', SendingEnabled: true, VerificationStatus: 'SUCCESS' }]);
  });

  // API_GetEmailIdentity: the identity's type, DKIM attributes, verification status and its
  // default configuration set; NotFoundException (404) "The resource you attempted to access doesn't exist".
  it('describes the sender identity, and answers NotFoundException for another', async () => {
    const out = await ses.send(new GetEmailIdentityCommand({ EmailIdentity: 'ciss.ct.example' }));
    expect(out).toMatchObject({ IdentityType: 'DOMAIN', VerifiedForSendingStatus: true, VerificationStatus: 'SUCCESS', ConfigurationSetName: `ciss-${edge.h.stage}-email` });
    expect(out.DkimAttributes).toMatchObject({ SigningEnabled: true, Status: 'SUCCESS', SigningAttributesOrigin: 'AWS_SES' });
    await expect(failure(ses.send(new GetEmailIdentityCommand({ EmailIdentity: 'elsewhere.example' })))).resolves.toMatchObject({ name: 'NotFoundException', status: 404 });
  });

  // API_ListConfigurationSets / API_GetConfigurationSet (NotFoundException for one that does not exist).
  it('lists and describes the configuration set', async () => {
    const name = `ciss-${edge.h.stage}-email`;
    await expect(ses.send(new ListConfigurationSetsCommand({}))).resolves.toMatchObject({ ConfigurationSets: [name] });
    await expect(ses.send(new GetConfigurationSetCommand({ ConfigurationSetName: name }))).resolves.toMatchObject({ ConfigurationSetName: name, SendingOptions: { SendingEnabled: true } });
    await expect(failure(ses.send(new GetConfigurationSetCommand({ ConfigurationSetName: 'nope' })))).resolves.toMatchObject({ name: 'NotFoundException', status: 404 });
  });

  // API_SendEmail: MessageId of the accepted message (the mailbox holds it).
  it('sends mail through the mailbox', async () => {
    const out = await ses.send(
      new SendEmailCommand({
        FromEmailAddress: 'no-reply@ciss.ct.example',
        Destination: { ToAddresses: ['ops@ciss.ct.example'] },
        Content: { Simple: { Subject: { Data: 'conformance v2' }, Body: { Text: { Data: 'hello' } } } },
      }),
    );
    expect(out.MessageId).toEqual(expect.any(String));
  });

  // REST-JSON: a route the service does not have is UnknownOperationException, at once (404 with
  // the code in x-amzn-ErrorType); the mailbox used to answer 404 with an XML-ish body.
  it('answers an operation it does not implement with UnknownOperationException', async () => {
    await expect(failure(ses.send(new ListContactListsCommand({})))).resolves.toMatchObject({ name: 'UnknownOperationException', status: 404 });
  });

  describeWithCli('with the AWS CLI', () => {
    it('aws sesv2 get-account and list-email-identities answer with data', async () => {
      expect(json(await cli(edge, ['sesv2', 'get-account']))).toMatchObject({ ProductionAccessEnabled: true, SendingEnabled: true });
      expect(json(await cli(edge, ['sesv2', 'list-email-identities']))).toMatchObject({ EmailIdentities: [{ IdentityName: 'ciss.ct.example' }] });
    });

    it('aws sesv2 get-email-identity for an unknown identity fails with NotFoundException', async () => {
      expect(cliError(await cli(edge, ['sesv2', 'get-email-identity', '--email-identity', 'elsewhere.example']))).toBe('NotFoundException');
    });
  });
});
