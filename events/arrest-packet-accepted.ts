import * as z from 'zod';
import { arrestEvent } from './shared/arrest';

/** The court clerk accepted the packet (step 3). */
export const ArrestPacketAccepted = arrestEvent('ArrestPacketAccepted', 'ACCEPTED', { decidedBy: z.string().min(1) });
export type ArrestPacketAcceptedDetail = z.infer<typeof ArrestPacketAccepted.detail>;
