import type { AuditEvent } from '#shared/audit';
import { Conflict } from '#shared/errors';
import { LifecycleStore, type LifecycleView } from '#shared/adapters/lifecycle-store';
import { writeWithAudit } from '#shared/adapters/transactions';
import { CERTIFICATION_SUBJECT, CLOSED_CERTIFICATION_STATUSES, type Certification, type CertificationStatus } from '../domain/certification';

/** Which certifications a caller may list: one agency's, or every one (the unit). */
export type CertificationView = LifecycleView;

export interface TimelineEntry {
  readonly at: string;
  readonly type: string;
  readonly actor: string;
  readonly status?: string;
  readonly attempt?: number;
  readonly score?: number;
}

/**
 * CISS Search certifications in the main table: the shared lifecycle layout (`CERT#<id>`,
 * one open certification per employee e-mail). Each change is one conditional write with its
 * audit event; the timeline is read back from those events.
 */
export class CertificationStore extends LifecycleStore<CertificationStatus, Certification> {
  constructor(tableName: string) {
    super(tableName, {
      kind: 'CERT',
      sk: 'CERTIFICATION',
      idField: 'certificationId',
      closed: CLOSED_CERTIFICATION_STATUSES,
      conflict: (email, openId) => new Conflict(`An open CISS Search certification for ${email} already exists: ${openId ?? 'unknown'}`, { openCertificationId: openId }),
    });
  }

  /**
   * Moves a certification from one of `from` to `to` with `fields`, and its audit event, in one
   * transaction; a closing status frees the employee's e-mail unless a renewal took it over. With `attemptsSeen`, only while the
   * certification holds that many attempts (two results at once: one is recorded). False when a
   * condition refused it.
   */
  async transition(certification: Certification, from: readonly CertificationStatus[], to: CertificationStatus, fields: Partial<Certification>, audit: AuditEvent, updatedAt: string, attemptsSeen?: number): Promise<boolean> {
    // A closing certification frees the employee's open place, unless a renewal holds it now.
    const renewed = CLOSED_CERTIFICATION_STATUSES.includes(to) && (await this.openFor(certification.employee.email)) !== certification.certificationId;
    return writeWithAudit(this.transitionItems(certification, from, to, fields, updatedAt, attemptsSeen === undefined ? {} : { sizes: { attempts: attemptsSeen } }, renewed), audit);
  }

  /** Stores a new certification; a renewal (`renews`) takes the open place over from the one it renews. */
  override async create(certification: Certification, audit: AuditEvent): Promise<void> {
    await super.create(certification, audit, certification.renews);
  }

  /** What happened to the certification, from its audit events (reads left out). */
  async timeline(certificationId: string): Promise<TimelineEntry[]> {
    return (await this.events({ type: CERTIFICATION_SUBJECT, id: certificationId }, 'SearchCertificationRead')).map((i) => {
      const d = (i['details'] ?? {}) as Record<string, unknown>;
      return {
        at: String(i['at']),
        type: String(i['type']),
        actor: String(i['actor']),
        ...(typeof d['to'] === 'string' ? { status: d['to'] } : {}),
        ...(typeof d['attempt'] === 'number' ? { attempt: d['attempt'] } : {}),
        ...(typeof d['score'] === 'number' ? { score: d['score'] } : {}),
      };
    });
  }
}
