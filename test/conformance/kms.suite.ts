import { DecryptCommand, DescribeKeyCommand, EncryptCommand, KMSClient, ListAliasesCommand, ListKeysCommand } from '@aws-sdk/client-kms';
import { cli, describeWithCli, failure, givenEdge, json, stopEdge, type Edge } from './harness';

/** KMS (JSON 1.1) through the edge. */
describe('KMS on the edge answers as KMS does', () => {
  let edge: Edge;
  let kms: KMSClient;
  let keyId: string;

  beforeAll(async () => {
    edge = await givenEdge();
    kms = new KMSClient(edge.client);
    keyId = `ciss-${edge.h.stage}-app-key`;
  });
  afterAll(async () => {
    kms.destroy();
    await stopEdge(edge);
  });

  // API_ListKeys: "Gets a list of all KMS keys in the caller's Amazon Web Services account and
  // Region": Keys [{KeyId, KeyArn}], Truncated.
  it('lists the application key', async () => {
    await expect(kms.send(new ListKeysCommand({}))).resolves.toMatchObject({ Keys: [{ KeyId: keyId, KeyArn: `arn:aws:kms:us-east-1:000000000000:key/${keyId}` }], Truncated: false });
  });

  // API_DescribeKey: KeyMetadata (KeyId, Arn, KeyState, KeyUsage, KeySpec, EncryptionAlgorithms, …);
  // NotFoundException "The request was rejected because the specified entity or resource could not be found."
  it('describes the key, and answers NotFoundException for another', async () => {
    const out = await kms.send(new DescribeKeyCommand({ KeyId: keyId }));
    expect(out.KeyMetadata).toMatchObject({ KeyId: keyId, Enabled: true, KeyState: 'Enabled', KeyUsage: 'ENCRYPT_DECRYPT', KeySpec: 'SYMMETRIC_DEFAULT', KeyManager: 'CUSTOMER', AWSAccountId: '000000000000' });
    expect(out.KeyMetadata?.CreationDate).toBeInstanceOf(Date);
    await expect(failure(kms.send(new DescribeKeyCommand({ KeyId: 'no-such-key' })))).resolves.toMatchObject({ name: 'NotFoundException', status: 400 });
  });

  // API_Encrypt / API_Decrypt: the encryption context must match (InvalidCiphertextException otherwise).
  it('encrypts and decrypts under the encryption context, and refuses another context', async () => {
    const sealed = await kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('probe'), EncryptionContext: { purpose: 'conformance' } }));
    const opened = await kms.send(new DecryptCommand({ CiphertextBlob: sealed.CiphertextBlob, EncryptionContext: { purpose: 'conformance' } }));
    expect(Buffer.from(opened.Plaintext ?? []).toString()).toBe('probe');
    await expect(failure(kms.send(new DecryptCommand({ CiphertextBlob: sealed.CiphertextBlob, EncryptionContext: { purpose: 'other' } })))).resolves.toMatchObject({ name: 'InvalidCiphertextException' });
  });

  // JSON 1.1: an operation the runtime does not serve is UnknownOperationException (400), at once.
  it('answers an operation it does not implement with UnknownOperationException', async () => {
    await expect(failure(kms.send(new ListAliasesCommand({})))).resolves.toMatchObject({ name: 'UnknownOperationException', status: 400 });
  });

  describeWithCli('with the AWS CLI', () => {
    it('aws kms list-keys answers with the key', async () => {
      expect(json(await cli(edge, ['kms', 'list-keys']))).toMatchObject({ Keys: [{ KeyId: keyId }] });
    });
  });
});
