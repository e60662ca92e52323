import * as z from 'zod';
import { arrestEvent } from './shared/arrest';

/** The arrest is available to the criminal-justice community (step 6). */
export const ArrestDataAvailable = arrestEvent('ArrestDataAvailable', 'AVAILABLE', { docketNumber: z.string().min(1) });
export type ArrestDataAvailableDetail = z.infer<typeof ArrestDataAvailable.detail>;
