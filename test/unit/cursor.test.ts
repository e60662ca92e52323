import fc from 'fast-check';
import * as z from 'zod';
import { Cursors, cursorParam, DynamoKeySchema, type CursorKeys, type CursorScope } from '../../functions/shared/cursor';
import { ValidationFailed } from '../../functions/shared/errors';

const keys = (current: string, previous?: string): CursorKeys => ({
  current: async () => Buffer.alloc(32, current),
  all: async () => [Buffer.alloc(32, current), ...(previous ? [Buffer.alloc(32, previous)] : [])],
});

const SCOPE: CursorScope = { list: 'arrests', caller: { username: 'prosecutor', roles: ['dcj'] }, query: { status: 'AVAILABLE', ori: undefined } };
const KEY = { pk: 'ARREST#ap-0123456789abcdef01234567', sk: 'PACKET', gsi1pk: 'ARRESTS#STATUS#AVAILABLE', gsi1sk: '2026-11-29T10:00:00.000Z#ap-0123456789abcdef01234567' };

async function refusal(promise: Promise<unknown>): Promise<string[]> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ValidationFailed) return error.problems.map((p) => p.field);
    throw error;
  }
  return [];
}

describe('list cursors', () => {
  const cursors = new Cursors(keys('a'));

  it('give back the position they were sealed with, and say nothing of it', async () => {
    const token = (await cursors.seal(SCOPE, KEY)) ?? '';
    expect(await cursors.open(token, SCOPE, DynamoKeySchema)).toEqual(KEY);
    for (const text of [token, Buffer.from(token.slice(3), 'base64url').toString('latin1')]) {
      expect(text).not.toMatch(/ARREST|ap-0123|2026/);
    }
  });

  it('is null on the last page, and no cursor is the first page', async () => {
    expect(await cursors.seal(SCOPE, undefined)).toBeNull();
    expect(await cursors.open(undefined, SCOPE, DynamoKeySchema)).toBeUndefined();
  });

  it.each<[string, CursorScope]>([
    ['another list', { ...SCOPE, list: 'access-requests' }],
    ['another filter', { ...SCOPE, query: { status: 'RECEIVED' } }],
    ['another caller', { ...SCOPE, caller: { username: 'someone-else', roles: ['dcj'] } }],
    ['other roles', { ...SCOPE, caller: { username: 'prosecutor', roles: ['community'] } }],
    ['an agency', { ...SCOPE, caller: { username: 'prosecutor', roles: ['dcj'], ori: 'CT0000100' } }],
  ])('refuses a cursor replayed on %s (400 naming the parameter)', async (_name, other) => {
    const token = (await cursors.seal(SCOPE, KEY)) ?? '';
    expect(await refusal(cursors.open(token, other, DynamoKeySchema))).toEqual(['nextToken']);
    expect(await refusal(cursors.open(token, other, DynamoKeySchema, 'cursor'))).toEqual(['cursor']);
  });

  it('opens a cursor sealed before the key rotated, and not one sealed with an unknown key', async () => {
    const old = (await new Cursors(keys('b')).seal(SCOPE, KEY)) ?? '';
    expect(await new Cursors(keys('a', 'b')).open(old, SCOPE, DynamoKeySchema)).toEqual(KEY);
    expect(await refusal(new Cursors(keys('a')).open(old, SCOPE, DynamoKeySchema))).toEqual(['nextToken']);
  });

  it('refuses a sealed position that is not what the list expects', async () => {
    const token = (await cursors.seal(SCOPE, { w: 'x' })) ?? '';
    expect(await refusal(cursors.open(token, SCOPE, z.object({ w: z.number() })))).toEqual(['nextToken']);
  });

  it('refuses any other text, and any change to a real cursor, with a 400', async () => {
    const token = (await cursors.seal(SCOPE, KEY)) ?? '';
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ maxLength: 3000 }),
          fc.base64String(),
          fc.nat({ max: token.length - 1 }).map((i) => `${token.slice(0, i)}${token[i] === 'A' ? 'B' : 'A'}${token.slice(i + 1)}`),
        ),
        async (text) => {
          fc.pre(text !== token && text !== '');
          expect(await refusal(cursors.open(text, SCOPE, DynamoKeySchema))).toEqual(['nextToken']);
        },
      ),
    );
  });

  it('takes the documented older name, and refuses both at once', () => {
    expect(cursorParam({ cursor: 'x' }, 'cursor')).toEqual({ token: 'x', param: 'cursor' });
    expect(cursorParam({ nextToken: 'y' }, 'cursor')).toEqual({ token: 'y', param: 'nextToken' });
    expect(cursorParam({ cursor: 'x' })).toEqual({ token: undefined, param: 'nextToken' });
    expect(() => cursorParam({ cursor: 'x', nextToken: 'y' }, 'cursor')).toThrow(ValidationFailed);
  });
});
