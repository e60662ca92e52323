import { cli, cliError, describeWithCli, givenEdge, stopEdge, type Edge } from './harness';

/**
 * An operation the runtime does not serve is answered at once, in the shape AWS gives for an
 * operation a service does not have, in the request's own protocol, so that every SDK and the CLI
 * name the error instead of waiting out a timeout.
 */
describe('the edge answers an operation it does not serve at once, in its protocol', () => {
  let edge: Edge;

  beforeAll(async () => {
    edge = await givenEdge();
  });
  afterAll(() => stopEdge(edge));

  const authorization = (service: string): string => `AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/${service}/aws4_request, SignedHeaders=host, Signature=0`;

  /** One raw request; it must be answered within a second (a hang fails at 5 s). */
  async function call(init: { method?: string; path?: string; headers: Record<string, string>; body?: string }): Promise<{ status: number; headers: Headers; text: string }> {
    const started = Date.now();
    const out = await fetch(new URL(init.path ?? '/', edge.endpoint), { method: init.method ?? 'POST', headers: init.headers, body: init.body, signal: AbortSignal.timeout(5000) });
    const text = await out.text();
    expect(Date.now() - started).toBeLessThan(1000);
    return { status: out.status, headers: out.headers, text };
  }

  // JSON 1.0 / 1.1 (X-Amz-Target): 400 with `__type` …#UnknownOperationException, which the SDKs
  // read as the error code (the awsJson protocols put the code in `__type`).
  it.each([
    ['JSON 1.1, EventBridge', 'AWSEvents.NoSuchOperation', '1.1', 'events'],
    ['JSON 1.1, KMS', 'TrentService.NoSuchOperation', '1.1', 'kms'],
    ['JSON 1.1, Secrets Manager', 'secretsmanager.NoSuchOperation', '1.1', 'secretsmanager'],
    ['JSON 1.0, a service the runtime does not have (SQS)', 'AmazonSQS.ListQueues', '1.0', 'sqs'],
    ['JSON 1.1, a service the runtime does not have (CloudWatch Logs)', 'Logs_20140328.DescribeLogGroups', '1.1', 'logs'],
  ])('%s: 400 UnknownOperationException', async (_protocol, target, version, service) => {
    const out = await call({ headers: { 'X-Amz-Target': target, 'Content-Type': `application/x-amz-json-${version}`, Authorization: authorization(service) }, body: '{}' });
    expect(out.status).toBe(400);
    expect(out.headers.get('content-type')).toBe(`application/x-amz-json-${version}`);
    expect((JSON.parse(out.text) as { __type: string }).__type).toMatch(/(^|#)UnknownOperationException$/);
  });

  // DynamoDB Local answers its own unknown operations (JSON 1.0) as DynamoDB does.
  it('JSON 1.0, DynamoDB: 400 UnknownOperationException from DynamoDB Local', async () => {
    const out = await call({ headers: { 'X-Amz-Target': 'DynamoDB_20120810.NoSuchOperation', 'Content-Type': 'application/x-amz-json-1.0', Authorization: authorization('dynamodb') }, body: '{}' });
    expect(out.status).toBe(400);
    expect(out.text).toContain('UnknownOperationException');
  });

  // Query (a form with Action=): Common Errors, InvalidAction "The action or operation requested is
  // invalid. Verify that the action is typed correctly." HTTP 400, as an XML ErrorResponse; the
  // Query protocol's name for an unknown operation.
  it.each([
    ['SES v1', 'ses', 'NoSuchAction'],
    ['a service the runtime does not have (SNS)', 'sns', 'ListTopics'],
  ])('Query, %s: 400 XML ErrorResponse with Code InvalidAction', async (_service, service, action) => {
    const out = await call({ headers: { 'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8', Authorization: authorization(service) }, body: `Action=${action}&Version=2010-12-01` });
    expect(out.status).toBe(400);
    expect(out.headers.get('content-type')).toBe('text/xml');
    expect(out.text).toMatch(/<ErrorResponse[^>]*><Error><Type>Sender<\/Type><Code>InvalidAction<\/Code><Message>[^<]+<\/Message><\/Error><RequestId>[^<]+<\/RequestId><\/ErrorResponse>/);
  });

  // REST-JSON: a route the service does not have: 404 with the code in x-amzn-ErrorType.
  it.each([
    ['SES v2', 'GET', '/v2/email/contact-lists', 'ses'],
    ['a service the runtime does not have (Lambda)', 'GET', '/2015-03-31/functions', 'lambda'],
  ])('REST-JSON, %s: 404 UnknownOperationException', async (_service, method, path, service) => {
    const out = await call({ method, path, headers: { Authorization: authorization(service) } });
    expect(out.status).toBe(404);
    expect(out.headers.get('x-amzn-errortype')).toBe('UnknownOperationException');
    expect(JSON.parse(out.text)).toHaveProperty('message');
  });

  // STS GetCallerIdentity (which cdk and scripts call first): "Returns details about the IAM user
  // or role whose credentials are used to call the operation": UserId, Account, Arn.
  it('answers STS GetCallerIdentity with the local account', async () => {
    const out = await call({ headers: { 'Content-Type': 'application/x-www-form-urlencoded', Authorization: authorization('sts') }, body: 'Action=GetCallerIdentity&Version=2011-06-15' });
    expect(out.status).toBe(200);
    expect(out.text).toContain('<Account>000000000000</Account>');
  });

  describeWithCli('with the AWS CLI', () => {
    it('aws lambda list-functions fails with UnknownOperationException; aws sts get-caller-identity answers', async () => {
      expect(cliError(await cli(edge, ['lambda', 'list-functions']))).toBe('UnknownOperationException');
      const identity = await cli(edge, ['sts', 'get-caller-identity']);
      expect(JSON.parse(identity.stdout)).toMatchObject({ Account: '000000000000' });
    });
  });
});
