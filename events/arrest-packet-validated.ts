import * as z from 'zod/mini';
import { arrestEvent } from './shared/arrest';

/** The packet passed the business rules and waits for the court clerk (step 2); warnings are for the clerk. */
export const ArrestPacketValidated = arrestEvent('ArrestPacketValidated', 'VALIDATED', () => ({ warnings: z.array(z.object({ field: z.string(), rule: z.string() })) }));
export type ArrestPacketValidatedDetail = z.infer<typeof ArrestPacketValidated.detail>;
