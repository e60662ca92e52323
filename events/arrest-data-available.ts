import * as z from 'zod/mini';
import { arrestEvent } from './shared/arrest';

/** The arrest is available to the criminal-justice community (step 6). */
export const ArrestDataAvailable = arrestEvent('ArrestDataAvailable', 'AVAILABLE', () => ({ docketNumber: z.string().check(z.minLength(1)) }));
export type ArrestDataAvailableDetail = z.infer<typeof ArrestDataAvailable.detail>;
