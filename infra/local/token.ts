import path from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT } from '../asl';
import { LocalIssuer, roleFrom } from './auth';

/**
 * `npm run token -- --role clerk --ori CT0000100 [--user name] [--expires 2h]`: prints a JWT the
 * local API accepts, signed with the same key `npm start` uses (`.local/issuer-key.json`).
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      role: { type: 'string', multiple: true },
      ori: { type: 'string' },
      user: { type: 'string' },
      expires: { type: 'string', default: '8h' },
    },
  });
  if (!values.role?.length) throw new Error('usage: npm run token -- --role <role> [--role <role>] [--ori CT0000100] [--user name] [--expires 8h]');
  if (values.ori !== undefined && !/^[A-Z]{2}[A-Z0-9]{7}$/.test(values.ori)) throw new Error(`--ori must be 2 letters and 7 letters or digits (e.g. CT0000100), got "${values.ori}"`);
  const issuer = await LocalIssuer.create(path.join(ROOT, '.local', 'issuer-key.json'));
  console.log(await issuer.mint({ roles: values.role.map(roleFrom), ori: values.ori, username: values.user, expiresIn: values.expires }));
}

main().catch((error: unknown) => {
  console.error((error as Error).message);
  process.exit(1);
});
