import { z } from 'zod';
import { taskHandler } from '#shared/task';
import { now } from '#shared/time';
import { publishStatusEvent } from './adapters/events';
import { StaleVersion } from './adapters/packet-store';
import { problemMessage } from '#shared/messages';
import { chargeLine, chargesInWords } from './domain/charges';
import { courtFor } from './domain/courts';
import type { ArrestPacket } from './domain/packet';
import { validatePacket } from './domain/rules';
import { env, store } from './ports';

const Input = z.object({ packetId: z.string().min(1), version: z.number().int().positive() });

/** What the clerk's review e-mail and page show about the packet. */
function factsOf(packet: ArrestPacket, warnings: readonly { field: string; rule: string }[]) {
  const name = packet.arrestee.personName;
  return [
    { label: 'Agency', value: `${packet.agency.organizationName} (${packet.agency.ori})` },
    { label: 'Incident', value: packet.incidentNumber },
    { label: 'Arrestee', value: `${name.surName}, ${name.givenName}${name.middleName ? ` ${name.middleName}` : ''}, born ${packet.arrestee.personBirthDate}` },
    { label: 'Arrested', value: `${packet.arrest.activityDateTime} (${packet.arrest.arrestType}), ${packet.arrest.location.cityName}` },
    ...chargesInWords(packet).map((c, i) => ({ label: c.charge, value: chargeLine(c, i) })),
    { label: 'Arraignment', value: `GA ${packet.court.gaNumber}, ${packet.arraignmentDate}` },
    { label: 'Documents', value: packet.documents.map((d) => `${d.documentType} ${d.documentReference}`).join('; ') || 'none' },
    ...warnings.map((w) => ({ label: 'Warning', value: problemMessage(w) })),
  ].slice(0, 40);
}

/**
 * Step 2, Validate.
 * 1. load the packet version this execution is for (a newer version makes it stale)
 * 2. check every business rule; collect all that fail, and the warnings
 * 3. record REJECTED (with every failed rule) and its event; a valid packet stays RECEIVED here:
 *    VALIDATED (with its warnings) is written with the clerk's review task, in the transaction
 *    that opens it (AwaitClerkReview's statusChange, tasks-notify), so it never shows first
 * 4. hand the machine what the clerk's review needs: the clerk of the packet's court, the facts
 */
export const handler = taskHandler(Input, async ({ packetId, version }) => {
  const current = await store.mustGet(packetId);
  if (current.version !== version) throw new StaleVersion(`Packet ${packetId} is at version ${current.version}, not ${version}`);
  const { problems, warnings } = validatePacket(current.packet, now());
  const valid = problems.length === 0;
  if (!valid) {
    const { packet } = await store.transition({
      packetId,
      version,
      to: 'REJECTED',
      actor: 'system',
      set: { problems, warnings },
      details: { problems: problems.length, rules: problems.map((p) => `${p.field}: ${p.rule}`).join(' | ').slice(0, 2000) },
      now: now().toISOString(),
    });
    await publishStatusEvent(env.EVENT_BUS_NAME, packet, { problems });
  }
  const court = courtFor(current.packet.court.gaNumber);
  return {
    valid,
    problems,
    warnings,
    title: `Arrest packet ${current.packet.incidentNumber} from ${current.packet.agency.ori} (version ${version})`,
    facts: factsOf(current.packet, warnings),
    // The clerk's task names its court: only that court's clerks see and decide it (the tasks API).
    clerk: court ? { role: 'court-clerk', email: court.clerkEmail, court: court.id } : null,
  };
});
