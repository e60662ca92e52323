import { GetObjectCommand, S3Client, type GetObjectCommandOutput } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { S3DroppedFiles } from '../../functions/search/adapters/dropped-files';
import { NotNdjson, parseNdjson } from '../../functions/search/domain/ndjson';

const s3 = mockClient(S3Client);
beforeEach(() => s3.reset());

/** A body as the SDK gives it, read as text in the encoding asked for. */
const body = (text: string) => ({ transformToString: async (encoding?: string) => Buffer.from(text, 'utf8').toString((encoding ?? 'utf-8') as BufferEncoding) }) as unknown as GetObjectCommandOutput['Body'];

describe("the drop bucket's files, through the S3 adapter", () => {
  it('reads a dropped file by its key from the bucket it was dropped in', async () => {
    s3.on(GetObjectCommand, { Bucket: 'drop-bucket', Key: 'despp-cch/2026-11-30.ndjson' }).resolves({ Body: body('{"a":1}\n{"b":"Núñez"}\n') });

    await expect(new S3DroppedFiles(new S3Client({}), 'drop-bucket').read('despp-cch/2026-11-30.ndjson')).resolves.toBe('{"a":1}\n{"b":"Núñez"}\n');
    expect(s3.commandCalls(GetObjectCommand).map((c) => c.args[0].input)).toEqual([{ Bucket: 'drop-bucket', Key: 'despp-cch/2026-11-30.ndjson' }]);
  });

  it("lets S3's error through (the event is retried)", async () => {
    s3.on(GetObjectCommand).rejects(Object.assign(new Error('The specified key does not exist.'), { name: 'NoSuchKey' }));

    await expect(new S3DroppedFiles(new S3Client({}), 'drop-bucket').read('despp-cch/gone.ndjson')).rejects.toThrow('The specified key does not exist.');
  });
});

describe('NDJSON, as batch sources send files', () => {
  it('reads one value a line, blank lines and a missing last newline alike', () => {
    expect(parseNdjson('{"a":1}\n\n  \n[2]\r\n"x"')).toEqual([{ a: 1 }, [2], 'x']);
    expect(parseNdjson('')).toEqual([]);
  });

  it("names the first bad line by number, never by what it holds", () => {
    const bad = () => parseNdjson('{"a":1}\n{"LAST_NAME": "O\'BRIEN\n{"b":2}');
    expect(bad).toThrow(new NotNdjson(2));
    expect(bad).toThrow('line 2 is not JSON');
    expect(bad).not.toThrow(/BRIEN/);
  });
});
