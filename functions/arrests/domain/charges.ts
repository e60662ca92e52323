import { chargeLabel } from '#shared/messages';
import type { ArrestPacket, Charge } from './packet';
import { resolveCitation, statutes, type Statute } from './statutes';

/** A charge as people read it: its place in the packet, the citation as sent, and the section it falls under. */
export interface ChargeInWords {
  /** `Charge 1`, counted from 1 in the packet's order. */
  readonly charge: string;
  readonly chargeSequenceID: number;
  /** The citation as the agency sent it, e.g. `53a-61(a)(1)`. */
  readonly citation: string;
  /** The section of the reference table it falls under (`53a-61`), or null when none. */
  readonly section: string | null;
  readonly title: string | null;
  readonly baseClass: string | null;
  readonly offenseClass: string;
  readonly chargeCountQuantity: number;
  readonly chargeDescriptionText: string;
}

export function chargeInWords(charge: Charge, index: number, table: ReadonlyMap<string, Statute> = statutes()): ChargeInWords {
  const cited = resolveCitation(charge.statuteSection, table);
  return {
    charge: chargeLabel(index),
    chargeSequenceID: charge.chargeSequenceID,
    citation: charge.statuteSection,
    section: cited?.key ?? null,
    title: cited?.statute.title ?? null,
    baseClass: cited?.statute.baseClass ?? null,
    offenseClass: charge.offenseClass,
    chargeCountQuantity: charge.chargeCountQuantity,
    chargeDescriptionText: charge.chargeDescriptionText,
  };
}

export const chargesInWords = (packet: ArrestPacket, table: ReadonlyMap<string, Statute> = statutes()): ChargeInWords[] => packet.charges.map((c, i) => chargeInWords(c, i, table));

/**
 * One line for the clerk: the citation as sent, the section's title and class from the table,
 * then what the agency wrote and charged, e.g.
 * `53a-61(a)(1): section 53a-61, Assault in the third degree (A misdemeanor); "Assault 3rd", charged as A misdemeanor, 1 count`.
 */
export function chargeLine(c: ChargeInWords, position: number): string {
  const section = c.section === null ? 'section not in the reference table' : c.section === c.citation ? `${c.title} (${c.baseClass})` : `section ${c.section}, ${c.title} (${c.baseClass})`;
  const counts = `${c.chargeCountQuantity} count${c.chargeCountQuantity === 1 ? '' : 's'}`;
  const sequence = c.chargeSequenceID === position + 1 ? '' : `; RMS charge number ${c.chargeSequenceID}`;
  return `${c.citation}: ${section}; "${c.chargeDescriptionText}", charged as ${c.offenseClass}, ${counts}${sequence}`;
}
