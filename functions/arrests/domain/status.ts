/** Where a packet stands. */
export const STATUSES = ['RECEIVED', 'VALIDATED', 'REJECTED', 'ACCEPTED', 'RETURNED', 'REVIEW_TIMED_OUT', 'TRANSMITTED', 'AVAILABLE', 'ADJUDICATED', 'HISTORICAL'] as const;
export type PacketStatus = (typeof STATUSES)[number];

/** Statuses an agency may amend from (a new version): anything not yet accepted. */
export const AMENDABLE: readonly PacketStatus[] = ['RECEIVED', 'VALIDATED', 'REJECTED', 'RETURNED', 'REVIEW_TIMED_OUT'];

/** For each status, the statuses a packet may reach it from. */
export const TRANSITIONS: Readonly<Record<PacketStatus, readonly PacketStatus[]>> = {
  RECEIVED: AMENDABLE,
  VALIDATED: ['RECEIVED'],
  REJECTED: ['RECEIVED'],
  ACCEPTED: ['VALIDATED'],
  RETURNED: ['VALIDATED'],
  REVIEW_TIMED_OUT: ['VALIDATED'],
  TRANSMITTED: ['ACCEPTED'],
  AVAILABLE: ['TRANSMITTED'],
  ADJUDICATED: ['AVAILABLE'],
  HISTORICAL: ['ADJUDICATED'],
};

/** The step of the seven a packet is in (or waits for), for the RMS and operators. */
export const CURRENT_STEP: Readonly<Record<PacketStatus, string>> = {
  RECEIVED: '2 validate',
  VALIDATED: '3 clerk review',
  REJECTED: 'agency to amend (rejected)',
  ACCEPTED: '4 transmit to CMS',
  RETURNED: 'agency to amend (returned by the clerk)',
  REVIEW_TIMED_OUT: 'agency to amend or resend (no clerk decision in time)',
  TRANSMITTED: '5 notify the agency',
  AVAILABLE: '7 awaiting adjudication',
  ADJUDICATED: '7 adjudicated',
  HISTORICAL: 'done (historical)',
};

/** Statuses the wider justice community (community, unit) may read: from step 6 on. */
export const PUBLISHED: readonly PacketStatus[] = ['AVAILABLE', 'ADJUDICATED', 'HISTORICAL'];

/** Audit event type of each status change (also the EventBridge detail-type where one is published). */
export const STATUS_EVENT: Readonly<Record<PacketStatus, string>> = {
  RECEIVED: 'ArrestPacketReceived',
  VALIDATED: 'ArrestPacketValidated',
  REJECTED: 'ArrestPacketRejected',
  ACCEPTED: 'ArrestPacketAccepted',
  RETURNED: 'ArrestPacketReturned',
  REVIEW_TIMED_OUT: 'ArrestPacketReviewTimedOut',
  TRANSMITTED: 'ArrestPacketTransmitted',
  AVAILABLE: 'ArrestDataAvailable',
  ADJUDICATED: 'ArrestPacketAdjudicated',
  HISTORICAL: 'ArrestPacketArchived',
};
