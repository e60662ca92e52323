/**
 * zod/mini's `z.iso.date()`, `z.iso.datetime()` and `z.coerce.number()`, made as zod/mini makes
 * them (the same core constructors, so the same checks and issues). `z.iso` and `z.coerce` are
 * namespaces inside zod/mini's namespace, which esbuild keeps whole in a bundle once one member is
 * used (about 2 KB each, minified); these are imported flat. Lambda code uses these (eslint
 * refuses `z.iso.` and `z.coerce.` in functions/ and events/).
 */
import { _coercedNumber, _isoDate, _isoDateTime, type $ZodISODateParams, type $ZodISODateTimeParams, type $ZodNumberParams } from 'zod/v4/core';
import { ZodMiniISODate, ZodMiniISODateTime, ZodMiniNumber } from 'zod/mini';

/** A date, YYYY-MM-DD (`z.iso.date`). */
export const isoDate = (params?: string | $ZodISODateParams): ZodMiniISODate => _isoDate(ZodMiniISODate, params);

/** An ISO 8601 date-time (`z.iso.datetime`). */
export const isoDateTime = (params?: string | $ZodISODateTimeParams): ZodMiniISODateTime => _isoDateTime(ZodMiniISODateTime, params);

/** A number from text, as query strings and the environment give one (`z.coerce.number`). */
export const coercedNumber = (params?: string | $ZodNumberParams): ZodMiniNumber<unknown> => _coercedNumber(ZodMiniNumber, params);
