import { Match } from 'aws-cdk-lib/assertions';
import { synthesizeStack } from '#infra/stack';
import { appTemplate, expectResourceProperties, functionLogicalId, getAttArn, resourcesOf } from './template';

/** Agency RMS systems authenticate as machines: OAuth client credentials with scopes (issue 6). */
describe('RMS machine clients in the Cognito user pool', () => {
  const template = appTemplate(synthesizeStack({ rmsClients: { 'new-haven-pd': 'CT0000100', 'hartford-pd': 'CT0006400' } }));
  // The portal's own client (code + PKCE, exact URLs) is tested in portal.suite.ts.
  const clients = Object.values(resourcesOf(template, 'AWS::Cognito::UserPoolClient')).filter((c) => !String(c.Properties['ClientName']).endsWith('-portal'));

  test('has a resource server with the API scope, the machine role and one scope per agency', () => {
    expectResourceProperties(template, 'AWS::Cognito::UserPoolResourceServer', {
      Identifier: 'ciss',
      Scopes: Match.arrayWith([
        Match.objectLike({ ScopeName: 'api' }),
        Match.objectLike({ ScopeName: 'agency-rms' }),
        Match.objectLike({ ScopeName: 'ori.CT0000100' }),
        Match.objectLike({ ScopeName: 'ori.CT0006400' }),
      ]),
    });
  });

  test('gives each RMS its own secret client with the client-credentials grant, its role and its one agency', () => {
    const rms = clients.filter((c) => c.Properties['GenerateSecret'] === true && String(c.Properties['ClientName']).includes('-rms-'));
    expect(rms).toHaveLength(2);
    for (const [client, ori] of [
      [rms.find((c) => String(c.Properties['ClientName']).endsWith('new-haven-pd')), 'CT0000100'],
      [rms.find((c) => String(c.Properties['ClientName']).endsWith('hartford-pd')), 'CT0006400'],
    ] as const) {
      expect(client?.Properties).toMatchObject({ AllowedOAuthFlows: ['client_credentials'], AllowedOAuthFlowsUserPoolClient: true });
      const scopes = JSON.stringify(client?.Properties['AllowedOAuthScopes']);
      expect(scopes).toContain(`/ori.${ori}`);
      expect(scopes).not.toContain(`/ori.${ori === 'CT0000100' ? 'CT0006400' : 'CT0000100'}`);
      expect(scopes).toContain('/agency-rms');
      expect(scopes).toContain('/api');
    }
  });

  test('opens no OAuth flow on the SRP client of people (only the portal’s client has a callback) and no user sign-in for machines', () => {
    const people = clients.filter((c) => c.Properties['GenerateSecret'] !== true);
    expect(people).toHaveLength(1);
    expect(people[0]?.Properties['AllowedOAuthFlows']).toBeUndefined();
    expect(people[0]?.Properties['CallbackURLs']).toBeUndefined();
    expect(people[0]?.Properties['ExplicitAuthFlows']).toEqual(['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH']);
    for (const rms of clients.filter((c) => c.Properties['GenerateSecret'] === true)) expect(rms.Properties['ExplicitAuthFlows']).toEqual(['ALLOW_REFRESH_TOKEN_AUTH']);
  });

  test("keeps a person's agency and a clerk's courts as attributes only an administrator sets (the web client reads them, writes neither)", () => {
    expectResourceProperties(template, 'AWS::Cognito::UserPool', {
      Schema: Match.arrayWith([
        Match.objectLike({ Name: 'ori', AttributeDataType: 'String', Mutable: true }),
        Match.objectLike({ Name: 'courts', AttributeDataType: 'String', Mutable: true, StringAttributeConstraints: { MinLength: '1', MaxLength: '256' } }),
      ]),
    });
    const people = clients.filter((c) => c.Properties['GenerateSecret'] !== true);
    expect(people[0]?.Properties['ReadAttributes']).toEqual(expect.arrayContaining(['custom:ori', 'custom:courts']));
    expect(people[0]?.Properties['WriteAttributes']).toEqual(['email']);
  });

  test('shapes every token with the pre-token trigger, version 3 (people and machines), on a pool with a token endpoint', () => {
    expectResourceProperties(template, 'AWS::Cognito::UserPool', {
      UserPoolTier: 'ESSENTIALS',
      LambdaConfig: { PreTokenGenerationConfig: { LambdaArn: getAttArn(functionLogicalId(template, 'auth-pre-token')), LambdaVersion: 'V3_0' } },
    });
    expectResourceProperties(template, 'AWS::Cognito::UserPoolDomain', { Domain: 'ciss-workflows-dev' });
  });

  test('audits failed Cognito logons that CloudTrail records, from the default bus', () => {
    expectResourceProperties(template, 'AWS::Events::Rule', {
      EventPattern: Match.objectLike({ source: ['aws.cognito-idp'], 'detail-type': ['AWS API Call via CloudTrail'] }),
      Targets: [Match.objectLike({ Arn: getAttArn(functionLogicalId(template, 'auth-logon-failed')) })],
    });
  });

  test('gives the CISS Search training provider one secret client: client credentials, the API and the exam-provider role, no agency, no user sign-in', () => {
    const provider = clients.filter((c) => String(c.Properties['ClientName']).endsWith('-exam-provider'));
    expect(provider).toHaveLength(1);
    expect(provider[0]?.Properties).toMatchObject({ ClientName: 'ciss-workflows-dev-exam-provider', GenerateSecret: true, AllowedOAuthFlows: ['client_credentials'], AllowedOAuthFlowsUserPoolClient: true, ExplicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH'] });
    const scopes = JSON.stringify(provider[0]?.Properties['AllowedOAuthScopes']);
    expect(scopes).toContain('/api');
    expect(scopes).toContain('/exam-provider');
    expect(scopes).not.toContain('/agency-rms');
    expect(scopes).not.toContain('/ori.');
    // No RMS client may act as the provider.
    for (const rms of clients.filter((c) => String(c.Properties['ClientName']).includes('-rms-'))) expect(JSON.stringify(rms.Properties['AllowedOAuthScopes'])).not.toContain('/exam-provider');
    expectResourceProperties(template, 'AWS::Cognito::UserPoolResourceServer', { Scopes: Match.arrayWith([Match.objectLike({ ScopeName: 'exam-provider' })]) });
    expect(Object.keys(template.findOutputs('ExamProviderClientId'))).toEqual(['ExamProviderClientId']);
  });

  test('refuses an RMS configured with something that is not an ORI', () => {
    expect(() => synthesizeStack({ stage: 'bad', rmsClients: { x: 'ct-100' } })).toThrow(/not an ORI/);
  });
});

describe('TLS 1.2 only, on the API’s own domain (SC-8, SC-13)', () => {
  const template = appTemplate(
    synthesizeStack({ stage: 'prod', customDomain: { domainName: 'api.ciss.ct.example', certificateArn: 'arn:aws:acm:us-east-1:111122223333:certificate/abc' } }),
  );

  test('serves the API on the custom domain with the TLS 1.2 policy, and switches the default endpoint off', () => {
    expectResourceProperties(template, 'AWS::ApiGateway::DomainName', { DomainName: 'api.ciss.ct.example', SecurityPolicy: 'TLS_1_2', EndpointConfiguration: { Types: ['REGIONAL'] } });
    expectResourceProperties(template, 'AWS::ApiGateway::BasePathMapping', { BasePath: 'prod' });
    expectResourceProperties(template, 'AWS::ApiGateway::RestApi', { DisableExecuteApiEndpoint: true });
  });

  test('puts links in e-mails on the custom domain', () => {
    expect(JSON.stringify(resourcesOf(template, 'AWS::Lambda::Function'))).toContain('https://api.ciss.ct.example/prod');
  });
});
