import { DescribeSecretCommand, GetSecretValueCommand, ListSecretsCommand, RotateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { secrets } from '../../infra/manifest';
import { cli, describeWithCli, failure, givenEdge, json, stopEdge, type Edge } from './harness';

/** Secrets Manager (JSON 1.1) through the edge. */
describe('Secrets Manager on the edge answers as Secrets Manager does', () => {
  let edge: Edge;
  let sm: SecretsManagerClient;
  let prefix: string;

  beforeAll(async () => {
    edge = await givenEdge();
    sm = new SecretsManagerClient(edge.client);
    prefix = `ciss-${edge.h.stage}`;
  });
  afterAll(async () => {
    sm.destroy();
    await stopEdge(edge);
  });

  // API_ListSecrets: "Lists the secrets that are stored by Secrets Manager in the Amazon Web
  // Services account, not including secrets that are marked for deletion"; SecretList entries
  // carry ARN, Name, Description, KmsKeyId, SecretVersionsToStages — never a value.
  // Filters: `name` matches the beginning of the name.
  it('lists the manifest secrets without their values, and filters by name prefix', async () => {
    const out = await sm.send(new ListSecretsCommand({}));
    expect(out.SecretList?.map((s) => s.Name).sort()).toEqual(Object.keys(secrets).map((n) => `${prefix}-${n}`).sort());
    for (const secret of out.SecretList ?? []) {
      expect(secret.ARN).toBe(`arn:aws:secretsmanager:us-east-1:000000000000:secret:${secret.Name}`);
      expect(secret.SecretVersionsToStages).toEqual({ local: ['AWSCURRENT'] });
      expect(JSON.stringify(secret)).not.toContain('SecretString');
    }
    const filtered = await sm.send(new ListSecretsCommand({ Filters: [{ Key: 'name', Values: [`${prefix}-cms`] }] }));
    expect(filtered.SecretList?.map((s) => s.Name)).toEqual([`${prefix}-cms-credentials`]);
  });

  // API_DescribeSecret: the secret's details, not its value; ResourceNotFoundException
  // "Secrets Manager can't find the resource that you asked for."
  it('describes a secret, and answers ResourceNotFoundException for a missing one', async () => {
    await expect(sm.send(new DescribeSecretCommand({ SecretId: `${prefix}-cms-credentials` }))).resolves.toMatchObject({ Name: `${prefix}-cms-credentials`, VersionIdsToStages: { local: ['AWSCURRENT'] } });
    await expect(failure(sm.send(new DescribeSecretCommand({ SecretId: 'no-such-secret' })))).resolves.toMatchObject({ name: 'ResourceNotFoundException', status: 400 });
  });

  // API_GetSecretValue: SecretString and the AWSCURRENT stage; AWSPREVIOUS of a never-rotated secret is not found.
  it('gives a secret value, and no previous version of a secret never rotated', async () => {
    const out = await sm.send(new GetSecretValueCommand({ SecretId: `${prefix}-cms-credentials` }));
    expect(out.SecretString).toBe(edge.h.runtime.secretValue('cms-credentials'));
    expect(out.VersionStages).toEqual(['AWSCURRENT']);
    await expect(failure(sm.send(new GetSecretValueCommand({ SecretId: `${prefix}-cms-credentials`, VersionStage: 'AWSPREVIOUS' })))).resolves.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  // JSON 1.1: an operation the runtime does not serve is UnknownOperationException (400), at once.
  it('answers an operation it does not implement with UnknownOperationException', async () => {
    await expect(failure(sm.send(new RotateSecretCommand({ SecretId: `${prefix}-cms-credentials` })))).resolves.toMatchObject({ name: 'UnknownOperationException', status: 400 });
  });

  describeWithCli('with the AWS CLI', () => {
    it('aws secretsmanager list-secrets answers with the secrets', async () => {
      const out = json<{ SecretList: { Name: string }[] }>(await cli(edge, ['secretsmanager', 'list-secrets']));
      expect(out.SecretList.map((s) => s.Name)).toContain(`${prefix}-cms-credentials`);
    });
  });
});
