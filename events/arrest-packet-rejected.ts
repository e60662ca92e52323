import { z } from 'zod';

/** The packet failed business rules (step 2); every failed rule is listed and the agency is e-mailed. No personal data: consumers read the packet through the API, which checks their role. */
export const ArrestPacketRejected = {
  source: 'ciss.arrests',
  detailType: 'ArrestPacketRejected',
  version: '1',
  detail: z.object({
    version: z.literal('1'),
    packetId: z.string().min(1),
    packetVersion: z.number().int().positive(),
    ori: z.string().length(9),
    incidentNumber: z.string().min(1),
    status: z.literal('REJECTED'),
    occurredAt: z.string().min(1),
    problems: z.array(z.object({ field: z.string(), rule: z.string() })),
  }),
} as const;
export type ArrestPacketRejectedDetail = z.infer<typeof ArrestPacketRejected.detail>;
