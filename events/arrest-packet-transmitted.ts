import { z } from 'zod';

/** DCJ took the packet into its case management system, which gave it a docket number (steps 4 and 5). No personal data: consumers read the packet through the API, which checks their role. */
export const ArrestPacketTransmitted = {
  source: 'ciss.arrests',
  detailType: 'ArrestPacketTransmitted',
  version: '1',
  detail: z.object({
    version: z.literal('1'),
    packetId: z.string().min(1),
    packetVersion: z.number().int().positive(),
    ori: z.string().length(9),
    incidentNumber: z.string().min(1),
    status: z.literal('TRANSMITTED'),
    occurredAt: z.string().min(1),
    docketNumber: z.string().min(1),
  }),
} as const;
export type ArrestPacketTransmittedDetail = z.infer<typeof ArrestPacketTransmitted.detail>;
