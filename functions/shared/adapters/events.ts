import { PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { eventBridge } from '../clients/event-bridge';

/** Entries per PutEvents call, EventBridge's limit. */
export const ENTRIES_PER_CALL = 10;

/**
 * Puts the entries on their buses, ENTRIES_PER_CALL a call. An entry EventBridge refuses fails
 * the call (the caller's step is retried), naming the event and the error codes it gave.
 */
export async function putEvents(entries: readonly PutEventsRequestEntry[]): Promise<void> {
  for (let i = 0; i < entries.length; i += ENTRIES_PER_CALL) {
    const batch = entries.slice(i, i + ENTRIES_PER_CALL);
    const out = await eventBridge.send(new PutEventsCommand({ Entries: batch }));
    if ((out.FailedEntryCount ?? 0) > 0) {
      const types = [...new Set(batch.map((e) => e.DetailType))].join(', ');
      throw new Error(`EventBridge refused ${types}: ${JSON.stringify(out.Entries?.map((e) => e.ErrorCode))}`);
    }
  }
}
