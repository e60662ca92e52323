import { main, processIo } from './ciss';

// `npm run ciss -- …` (and `tsx cli/main.ts`); `npx ciss` goes through bin/ciss.mjs to the same main.
process.exitCode = await main(process.argv.slice(2), processIo());
