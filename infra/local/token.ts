import path from 'node:path';
import { parseArgs } from 'node:util';
import { COURT_PATTERN } from '../../functions/shared/courts';
import { ROOT } from '../asl';
import { LocalIssuer, roleFrom } from './auth';

/**
 * `npm run token -- --role clerk --courts GA23,GA7 [--ori CT0000100] [--user name] [--expires 2h]`:
 * prints a JWT the local API accepts, signed with the same key `npm start` uses
 * (`.local/issuer-key.json`). `--ori` is an agency user's agency; `--courts` the GA courts a
 * court clerk acts for (a clerk with none is refused by the API).
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      role: { type: 'string', multiple: true },
      ori: { type: 'string' },
      courts: { type: 'string', multiple: true },
      user: { type: 'string' },
      expires: { type: 'string', default: '8h' },
    },
  });
  if (!values.role?.length) throw new Error('usage: npm run token -- --role <role> [--role <role>] [--ori CT0000100] [--courts GA23,GA7] [--user name] [--expires 8h]');
  if (values.ori !== undefined && !/^[A-Z]{2}[A-Z0-9]{7}$/.test(values.ori)) throw new Error(`--ori must be 2 letters and 7 letters or digits (e.g. CT0000100), got "${values.ori}"`);
  const courts = (values.courts ?? []).flatMap((v) => v.split(',')).map((c) => c.trim());
  const bad = courts.find((c) => !COURT_PATTERN.test(c));
  if (bad !== undefined) throw new Error(`--courts must list GA courts, GA and a number from 1 to 23, comma-separated (e.g. GA23,GA7), got "${bad}"`);
  const issuer = await LocalIssuer.create(path.join(ROOT, '.local', 'issuer-key.json'));
  console.log(await issuer.mint({ roles: values.role.map(roleFrom), ori: values.ori, courts, username: values.user, expiresIn: values.expires }));
}

main().catch((error: unknown) => {
  console.error((error as Error).message);
  process.exit(1);
});
