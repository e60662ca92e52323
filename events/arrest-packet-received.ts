import type * as z from 'zod/mini';
import { arrestEvent } from './shared/arrest';

/** An agency RMS sent a new arrest packet, or a new version of one (step 1). */
export const ArrestPacketReceived = arrestEvent('ArrestPacketReceived', 'RECEIVED', () => ({}));
export type ArrestPacketReceivedDetail = z.infer<typeof ArrestPacketReceived.detail>;
