import { z } from 'zod';

/** The packet passed the business rules and waits for the court clerk (step 2); warnings are for the clerk. No personal data: consumers read the packet through the API, which checks their role. */
export const ArrestPacketValidated = {
  source: 'ciss.arrests',
  detailType: 'ArrestPacketValidated',
  version: '1',
  detail: z.object({
    version: z.literal('1'),
    packetId: z.string().min(1),
    packetVersion: z.number().int().positive(),
    ori: z.string().length(9),
    incidentNumber: z.string().min(1),
    status: z.literal('VALIDATED'),
    occurredAt: z.string().min(1),
    warnings: z.array(z.object({ field: z.string(), rule: z.string() })),
  }),
} as const;
export type ArrestPacketValidatedDetail = z.infer<typeof ArrestPacketValidated.detail>;
