import { AccessRequestStore } from '#shared/adapters/access-store';
import { accessStatusWrite } from '../../access/task-status';
import { PacketStatusWrites } from '../../arrests/adapters/packet-store';
import { arrestStatusWrite, publishArrestStatus } from '../../arrests/task-status';
import type { SubjectStatus } from '../use-cases/notify';

/**
 * The status changes human steps stand for, by subject type, on the table: an access request's
 * (no event), an arrest packet's (ArrestPacketValidated on `busName` after the transaction).
 */
export function subjectStatusOn(tableName: string, busName: string): SubjectStatus {
  const accessStore = new AccessRequestStore(tableName);
  const packetStore = new PacketStatusWrites(tableName);
  return {
    async write(subject, change, now, options = {}) {
      if (subject.type === 'access-request') return accessStatusWrite(accessStore, subject.id, change, now, options);
      if (subject.type === 'arrest-packet') return arrestStatusWrite(packetStore, subject.id, change, now, options);
      throw new Error(`No status change is known for subjects of type ${subject.type}`);
    },
    async announce(subject, change, how) {
      if (subject.type === 'arrest-packet') await publishArrestStatus(packetStore, busName, subject.id, change, how);
    },
  };
}
