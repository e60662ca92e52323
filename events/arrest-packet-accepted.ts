import { z } from 'zod';

/** The court clerk accepted the packet (step 3). No personal data: consumers read the packet through the API, which checks their role. */
export const ArrestPacketAccepted = {
  source: 'ciss.arrests',
  detailType: 'ArrestPacketAccepted',
  version: '1',
  detail: z.object({
    version: z.literal('1'),
    packetId: z.string().min(1),
    packetVersion: z.number().int().positive(),
    ori: z.string().length(9),
    incidentNumber: z.string().min(1),
    status: z.literal('ACCEPTED'),
    occurredAt: z.string().min(1),
    decidedBy: z.string().min(1),
  }),
} as const;
export type ArrestPacketAcceptedDetail = z.infer<typeof ArrestPacketAccepted.detail>;
