import { courtIdOf } from '#shared/courts';

/**
 * Connecticut Superior Court geographical-area (GA) courts that arraign arrests, and the clerk's
 * office that reviews their packets. A small table on purpose: a GA not in it is refused with a
 * message, not routed to nobody.
 */
export interface Court {
  /** The court's id in a court clerk's `custom:courts` claim and on its tasks, e.g. GA23. */
  readonly id: string;
  readonly gaNumber: number;
  readonly location: string;
  /** The clerk's office mailbox, which receives the review task. */
  readonly clerkEmail: string;
}

const GA_LOCATIONS: Readonly<Record<number, string>> = {
  1: 'Stamford',
  2: 'Bridgeport',
  3: 'Danbury',
  4: 'Waterbury',
  5: 'Derby',
  7: 'Meriden',
  9: 'Middletown',
  10: 'New London',
  11: 'Danielson',
  12: 'Manchester',
  13: 'Enfield',
  14: 'Hartford',
  15: 'New Britain',
  17: 'Bristol',
  18: 'Torrington',
  19: 'Rockville',
  20: 'Norwalk',
  21: 'Norwich',
  22: 'Milford',
  23: 'New Haven',
};

export function courtFor(gaNumber: number): Court | undefined {
  const location = GA_LOCATIONS[gaNumber];
  return location ? { id: courtIdOf(gaNumber), gaNumber, location, clerkEmail: `clerk.ga${gaNumber}@jud.ct.example` } : undefined;
}
