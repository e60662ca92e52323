import * as z from 'zod/mini';
import { arrestEvent } from './shared/arrest';

/** The court clerk returned the packet to the agency with a reason (step 3). */
export const ArrestPacketReturned = arrestEvent('ArrestPacketReturned', 'RETURNED', () => ({ decidedBy: z.string().check(z.minLength(1)), reason: z.string().check(z.minLength(1)) }));
export type ArrestPacketReturnedDetail = z.infer<typeof ArrestPacketReturned.detail>;
