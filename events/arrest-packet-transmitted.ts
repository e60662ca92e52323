import * as z from 'zod/mini';
import { arrestEvent } from './shared/arrest';

/** DCJ took the packet into its case management system, which gave it a docket number (steps 4 and 5). */
export const ArrestPacketTransmitted = arrestEvent('ArrestPacketTransmitted', 'TRANSMITTED', () => ({ docketNumber: z.string().check(z.minLength(1)) }));
export type ArrestPacketTransmittedDetail = z.infer<typeof ArrestPacketTransmitted.detail>;
