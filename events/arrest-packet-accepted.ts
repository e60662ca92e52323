import * as z from 'zod/mini';
import { arrestEvent } from './shared/arrest';

/** The court clerk accepted the packet (step 3). */
export const ArrestPacketAccepted = arrestEvent('ArrestPacketAccepted', 'ACCEPTED', () => ({ decidedBy: z.string().check(z.minLength(1)) }));
export type ArrestPacketAcceptedDetail = z.infer<typeof ArrestPacketAccepted.detail>;
