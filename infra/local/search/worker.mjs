/**
 * The search database's thread starts here (session.ts). A worker thread loads modules as Node
 * does, without the TypeScript loader of its parent (tsx under `npm start` and scripts, swc under
 * jest): tsx loads worker.ts, scoped to this import, the same way in all three.
 */
import { tsImport } from 'tsx/esm/api';

await tsImport('./worker.ts', import.meta.url);
