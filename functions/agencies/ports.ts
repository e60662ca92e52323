import type { AuditEvent } from '#shared/audit';
import type { AgencyState } from './domain/state';

/** The registry's record of each agency (provisioned, connected), beside its audit events. */
export interface AgencyStates {
  all(): Promise<AgencyState[]>;
  get(ori: string): Promise<AgencyState | undefined>;
  /** Records the provisioning once, and the client's map to the agency, with its audit event; false when the agency was already provisioned. */
  provisioned(ori: string, at: string, clientId: string, audit: AuditEvent): Promise<boolean>;
  /** Records the connection once, with its audit event; false when the agency was already connected. */
  connected(ori: string, at: string, packetId: string, audit: AuditEvent): Promise<boolean>;
}

/** The identity provider's machine clients: Cognito app clients in AWS, the local issuer's at home. */
export interface RmsClients {
  /** Makes the agency's RMS client (client credentials; the API and agency-rms as scopes: its agency is the registry's map, not a scope). */
  create(ori: string): Promise<{ clientId: string; clientSecret: string }>;
}
