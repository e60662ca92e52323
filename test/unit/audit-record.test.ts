import { AUDIT_RECORD_FIELDS, auditItem, type AuditEvent, type AuditSubject } from '#shared/audit';

const taskSubject = { type: 'arrest-packet', id: 'ap-1', title: 'Arrest packet 2026-1', facts: [{ label: 'Arrestee', value: 'Doe, John, born 1990-04-12' }] };

describe('an audit record', () => {
  it('takes a subject only from AuditSubject.of: a task subject with its facts does not type-check', () => {
    const event: AuditEvent = {
      type: 'TaskRead',
      outcome: 'success',
      actor: 'clerk',
      component: 'human-tasks',
      // @ts-expect-error a record's subject is its type and id, made by AuditSubject.of
      subject: taskSubject,
    };
    expect(event.subject).toBe(taskSubject);
  });

  it('stores only the record fields and a subject of type and id, even from an event widened by a cast', () => {
    const widened = {
      type: 'TaskRead',
      outcome: 'success',
      actor: 'clerk',
      component: 'human-tasks',
      subject: taskSubject as unknown as AuditSubject,
      source: { ip: '203.0.113.9', userAgent: 'ua', cookie: 'secret' },
      employeeEmail: 'casey.morgan@nhpd.ct.example',
    } as AuditEvent;
    const item = auditItem(widened);
    expect(Object.keys(item).every((k) => (AUDIT_RECORD_FIELDS as readonly string[]).includes(k))).toBe(true);
    expect(item).toMatchObject({ pk: 'arrest-packet#ap-1', subject: { type: 'arrest-packet', id: 'ap-1' }, source: { ip: '203.0.113.9', userAgent: 'ua' } });
    expect(JSON.stringify(item)).not.toMatch(/Doe|casey|secret/);
  });
});
