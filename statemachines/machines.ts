/**
 * Every workflow definition and the file it is generated to. The `.asl.json` files are the
 * artifact both back-ends load (infra/aws and infra/local, through the manifest); they are
 * written by `npm run asl` and test/statemachines/generated.test.ts fails when one differs.
 */
import path from 'node:path';
import type { Machine } from './asl';
import accessRequest from './access-request';
import approval from './approval';
import arrestPacket from './arrest-packet';
import diagnostics from './diagnostics';
import searchCertification from './search-certification';

export const STATEMACHINES_DIR = import.meta.dirname;

/** The definitions by the file name each is written to under statemachines/. */
export const definitions: Readonly<Record<string, Machine>> = {
  'access-request.asl.json': accessRequest,
  'approval.asl.json': approval,
  'arrest-packet.asl.json': arrestPacket,
  'diagnostics.asl.json': diagnostics,
  'search-certification.asl.json': searchCertification,
};

/** The text of a generated file: two-space JSON and a final newline. */
export const render = (definition: Machine): string => `${JSON.stringify(definition, null, 2)}\n`;

export const fileOf = (name: string): string => path.join(STATEMACHINES_DIR, name);
