import * as z from 'zod';
import { arrestEvent } from './shared/arrest';

/** The court clerk returned the packet to the agency with a reason (step 3). */
export const ArrestPacketReturned = arrestEvent('ArrestPacketReturned', 'RETURNED', { decidedBy: z.string().min(1), reason: z.string().min(1) });
export type ArrestPacketReturnedDetail = z.infer<typeof ArrestPacketReturned.detail>;
