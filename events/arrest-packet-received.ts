import { z } from 'zod';

/** An agency RMS sent a new arrest packet, or a new version of one (step 1). No personal data: consumers read the packet through the API, which checks their role. */
export const ArrestPacketReceived = {
  source: 'ciss.arrests',
  detailType: 'ArrestPacketReceived',
  version: '1',
  detail: z.object({
    version: z.literal('1'),
    packetId: z.string().min(1),
    packetVersion: z.number().int().positive(),
    ori: z.string().length(9),
    incidentNumber: z.string().min(1),
    status: z.literal('RECEIVED'),
    occurredAt: z.string().min(1),
  }),
} as const;
export type ArrestPacketReceivedDetail = z.infer<typeof ArrestPacketReceived.detail>;
