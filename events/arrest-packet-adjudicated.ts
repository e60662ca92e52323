import * as z from 'zod/mini';
import { arrestEvent } from './shared/arrest';

/** Judicial recorded the disposition of every charge (step 7). */
export const ArrestPacketAdjudicated = arrestEvent('ArrestPacketAdjudicated', 'ADJUDICATED', () => ({ dispositions: z.array(z.object({ chargeSequenceID: z.number().check(z.int()), disposition: z.string() })) }));
export type ArrestPacketAdjudicatedDetail = z.infer<typeof ArrestPacketAdjudicated.detail>;
