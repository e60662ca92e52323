import { faultAnswer, FaultInjector, parseFaultPlan, seededRandom } from '../../infra/local/faults';
import { awsErrorName } from '../../infra/local/stepfunctions/integrations';
import type { EdgeRequest, EdgeTap } from '../../infra/local/edge';

const putItem: EdgeRequest = { service: 'dynamodb', operation: 'PutItem' };

function tapOf(injector: FaultInjector): EdgeTap {
  const edge = { taps: [] as EdgeTap[] };
  injector.attach({ edge: edge as never });
  const tap = edge.taps[0];
  if (!tap) throw new Error('no tap');
  return tap;
}

describe('fault injection', () => {
  it('draws the same faults from the same seed', () => {
    const draw = (seed: number) => {
      const tap = tapOf(new FaultInjector({ seed, services: { dynamodb: { throttle: 0.3 } } }));
      return Array.from({ length: 200 }, () => (tap(putItem) ? 1 : 0)).join('');
    };

    expect(draw(8)).toBe(draw(8));
    expect(draw(8)).not.toBe(draw(9));
  });

  it('injects about the share asked for, and counts each fault', () => {
    const injector = new FaultInjector({ seed: 1, services: { dynamodb: { throttle: 0.05 } } });
    const tap = tapOf(injector);
    const answered = Array.from({ length: 10_000 }, () => tap(putItem)).filter(Boolean).length;

    expect(answered).toBeGreaterThan(400);
    expect(answered).toBeLessThan(600);
    expect(injector.counts()).toEqual({ 'dynamodb:PutItem:throttle': answered });
  });

  it('answers as the services do, where the SDK looks for the error', () => {
    expect(faultAnswer(putItem, 'throttle')).toMatchObject({ status: 400, body: { __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException' } });
    expect(faultAnswer(putItem, 'error')).toMatchObject({ status: 500, body: { __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError' } });
    expect(faultAnswer({ service: 'ses', operation: 'POST /v2/email/outbound-emails' }, 'throttle')).toMatchObject({ status: 429, headers: { 'x-amzn-ErrorType': 'TooManyRequestsException' } });
    expect(String(faultAnswer({ service: 'ses', operation: 'POST /' }, 'throttle').body)).toContain('<Code>Throttling</Code>');
  });

  it('fails Lambda invocations with the names Step Functions sees', () => {
    const lambda = { fault: undefined as ((name: never, payload: unknown) => Error | undefined) | undefined };
    new FaultInjector({ functions: { 'arrests-validate': { throttle: 1 }, '*': { timeout: 1 } } }).attach({ lambda: lambda as never });

    expect(lambda.fault?.('arrests-validate' as never, {})?.name).toBe('Lambda.TooManyRequestsException');
    expect(lambda.fault?.('arrests-transmit' as never, {})?.name).toBe('Sandbox.Timedout');
  });

  it('refuses a plan with a bad share or an unknown function, naming the field', () => {
    expect(() => parseFaultPlan({ cms: 2 })).toThrow(/cms:/);
    expect(() => parseFaultPlan({ functions: { 'no-such-function': { throttle: 0.1 } } })).toThrow(/functions.no-such-function/);
  });

  it('keeps the PRNG within [0, 1)', () => {
    const next = seededRandom(42);
    const values = Array.from({ length: 1000 }, next);

    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
  });
});

describe('integration error names', () => {
  const answered = (name: string) => Object.assign(new Error('x'), { name, $metadata: { httpStatusCode: 400 } });

  it('names service errors as the Java SDK classes AWS uses, and unanswered calls SdkClientException', () => {
    expect(awsErrorName(answered('ProvisionedThroughputExceededException'))).toBe('ProvisionedThroughputExceededException');
    expect(awsErrorName(answered('InternalServerError'))).toBe('InternalServerErrorException');
    expect(awsErrorName(answered('ExecutionAlreadyExists'))).toBe('ExecutionAlreadyExistsException');
    expect(awsErrorName(Object.assign(new Error('socket hang up'), { name: 'TimeoutError' }))).toBe('SdkClientException');
  });
});
