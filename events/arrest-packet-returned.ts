import { z } from 'zod';

/** The court clerk returned the packet to the agency with a reason (step 3). No personal data: consumers read the packet through the API, which checks their role. */
export const ArrestPacketReturned = {
  source: 'ciss.arrests',
  detailType: 'ArrestPacketReturned',
  version: '1',
  detail: z.object({
    version: z.literal('1'),
    packetId: z.string().min(1),
    packetVersion: z.number().int().positive(),
    ori: z.string().length(9),
    incidentNumber: z.string().min(1),
    status: z.literal('RETURNED'),
    occurredAt: z.string().min(1),
    decidedBy: z.string().min(1),
    reason: z.string().min(1),
  }),
} as const;
export type ArrestPacketReturnedDetail = z.infer<typeof ArrestPacketReturned.detail>;
