import { z } from 'zod';

/** The arrest is available to the criminal-justice community (step 6). No personal data: consumers read the packet through the API, which checks their role. */
export const ArrestDataAvailable = {
  source: 'ciss.arrests',
  detailType: 'ArrestDataAvailable',
  version: '1',
  detail: z.object({
    version: z.literal('1'),
    packetId: z.string().min(1),
    packetVersion: z.number().int().positive(),
    ori: z.string().length(9),
    incidentNumber: z.string().min(1),
    status: z.literal('AVAILABLE'),
    occurredAt: z.string().min(1),
    docketNumber: z.string().min(1),
  }),
} as const;
export type ArrestDataAvailableDetail = z.infer<typeof ArrestDataAvailable.detail>;
