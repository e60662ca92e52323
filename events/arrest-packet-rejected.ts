import * as z from 'zod/mini';
import { arrestEvent } from './shared/arrest';

/** The packet failed business rules (step 2); every failed rule is listed and the agency is e-mailed. */
export const ArrestPacketRejected = arrestEvent('ArrestPacketRejected', 'REJECTED', () => ({ problems: z.array(z.object({ field: z.string(), rule: z.string() })) }));
export type ArrestPacketRejectedDetail = z.infer<typeof ArrestPacketRejected.detail>;
