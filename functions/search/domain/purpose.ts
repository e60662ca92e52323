/**
 * Why a search is made: a CJIS purpose code, required on every query and record view and kept
 * with it in the query log and the audit trail. The codes search accepts, in words.
 */
import * as z from 'zod/mini';
import { lazy } from '#shared/lazy';

export const PURPOSES = {
  C: 'Criminal justice: investigation, arrest, prosecution, adjudication, supervision',
  J: 'Criminal-justice employment: screening an applicant to a criminal-justice agency',
  D: 'Domestic violence and stalking: a protective or restraining order matter',
  F: 'Weapons: a firearm permit or transfer check',
} as const;
export type Purpose = keyof typeof PURPOSES;

export const PurposeSchema = /* @__PURE__ */ lazy(() =>
  z.enum(Object.keys(PURPOSES) as [Purpose, ...Purpose[]], {
    error: `must be a purpose code: ${Object.keys(PURPOSES).join(', ')} (${Object.entries(PURPOSES)
      .map(([code, words]) => `${code}, ${words.split(':')[0]}`)
      .join('; ')})`,
  }),
);
