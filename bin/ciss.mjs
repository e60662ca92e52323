#!/usr/bin/env node
// `npx ciss …`: runs the TypeScript CLI (cli/ciss.ts) through tsx, as `npm start` runs the runtime.
import { register } from 'tsx/esm/api';

register();
const { main, processIo } = await import('../cli/ciss.ts');
process.exitCode = await main(process.argv.slice(2), processIo());
