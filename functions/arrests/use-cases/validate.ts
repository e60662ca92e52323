import type { FieldProblem } from '#shared/errors';
import { StaleVersion, type PacketStore } from '../adapters/packet-store';
import type { StatusEventSubject } from '../adapters/events';
import type { ArrestPacket } from '../domain/packet';
import { clerkFor, factsOf, reviewTitle, type Fact } from '../domain/review';
import { validatePacket } from '../domain/rules';

export interface ValidatePorts {
  readonly store: Pick<PacketStore, 'mustGet' | 'changeStatus'>;
  /** Announces the packet's new status (its event on the bus). */
  readonly announce: (packet: StatusEventSubject, detail: { problems: FieldProblem[] }) => Promise<void>;
  readonly now: () => Date;
}

/** What the machine's clerk review (or its rejection notice) needs. */
export interface ValidateOutput {
  readonly valid: boolean;
  readonly problems: FieldProblem[];
  readonly warnings: FieldProblem[];
  readonly title: string;
  readonly facts: Fact[];
  readonly clerk: ReturnType<typeof clerkFor>;
  /** What the packet's status events say of it, carried by the execution so later steps need not read the packet for them. */
  readonly ori: string;
  readonly incidentNumber: string;
  /** Whom the agency's notices go to, carried so that telling the agency reads nothing. */
  readonly agencyEmail: string;
}

/** The packet as stored, when the execution carries it (its input is ours: receive and amend start it). */
export interface CarriedPacket {
  readonly packet: ArrestPacket;
  readonly ori: string;
  readonly incidentNumber: string;
}

/**
 * Step 2, Validate.
 * 1. the packet version this execution is for: as the execution carries it, or read (a newer
 *    version makes it stale; an amendment stops the older version's execution too)
 * 2. check every business rule; collect all that fail, and the warnings
 * 3. record REJECTED (with every failed rule), conditional on the packet being RECEIVED at this
 *    version (what a read would have checked), and its event; a valid packet stays RECEIVED here:
 *    VALIDATED (with its warnings) is written with the clerk's review task, in the transaction
 *    that opens it (AwaitClerkReview's statusChange, tasks-notify), so it never shows first
 * 4. hand the machine what the clerk's review needs: the clerk of the packet's court, the facts;
 *    and what the later steps' status events and notices say of the packet (its ORI, incident
 *    number, problems and the agency's contact)
 */
export async function validate(input: { readonly packetId: string; readonly version: number; readonly carried?: CarriedPacket }, ports: ValidatePorts): Promise<ValidateOutput> {
  const { packetId, version } = input;
  const current = input.carried ?? (await readVersion(packetId, version, ports));
  const now = ports.now();
  const { problems, warnings } = validatePacket(current.packet, now);
  const valid = problems.length === 0;
  if (!valid) {
    const at = now.toISOString();
    await ports.store.changeStatus({
      packetId,
      version,
      to: 'REJECTED',
      actor: 'system',
      set: { problems, warnings },
      details: { problems: problems.length, rules: problems.map((p) => `${p.field}: ${p.rule}`).join(' | ').slice(0, 2000) },
      now: at,
    });
    await ports.announce({ packetId, version, ori: current.ori, incidentNumber: current.incidentNumber, status: 'REJECTED', updatedAt: at }, { problems });
  }
  return { valid, problems, warnings, title: reviewTitle(current.packet, version), facts: factsOf(current.packet, warnings), clerk: clerkFor(current.packet), ori: current.ori, incidentNumber: current.incidentNumber, agencyEmail: current.packet.agency.contactEmail };
}

async function readVersion(packetId: string, version: number, ports: ValidatePorts): Promise<CarriedPacket> {
  const current = await ports.store.mustGet(packetId);
  if (current.version !== version) throw new StaleVersion(`Packet ${packetId} is at version ${current.version}, not ${version}`);
  return current;
}
