import { z } from 'zod';

/** Judicial recorded the disposition of every charge (step 7). No personal data: consumers read the packet through the API, which checks their role. */
export const ArrestPacketAdjudicated = {
  source: 'ciss.arrests',
  detailType: 'ArrestPacketAdjudicated',
  version: '1',
  detail: z.object({
    version: z.literal('1'),
    packetId: z.string().min(1),
    packetVersion: z.number().int().positive(),
    ori: z.string().length(9),
    incidentNumber: z.string().min(1),
    status: z.literal('ADJUDICATED'),
    occurredAt: z.string().min(1),
    dispositions: z.array(z.object({ chargeSequenceID: z.number().int(), disposition: z.string() })),
  }),
} as const;
export type ArrestPacketAdjudicatedDetail = z.infer<typeof ArrestPacketAdjudicated.detail>;
