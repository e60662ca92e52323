import { AuditSubject, auditItem, auditPut, type AuditEvent } from '#shared/audit';
import { setTimeSource } from '#shared/time';

/**
 * The trail's own guard against a rewrite (the e2e `audit.test.ts` shows no use of the system
 * rewrites a record; in AWS no function role may update or delete one, test/infra).
 */
describe('an audit write', () => {
  const event: AuditEvent = { type: 'AccessRequestRead', outcome: 'success', actor: 'nhpd-admin', component: 'cchrs-access', subject: AuditSubject.of('access-request', 'AR-20260101-0000000001') };

  afterEach(() => setTimeSource(() => Date.now()));

  it('puts a record only where none is', () => {
    expect(auditPut(event, 'audit').Put).toMatchObject({ TableName: 'audit', ConditionExpression: 'attribute_not_exists(pk)' });
  });

  it('keys the same event, by the same actor at the same instant, apart', () => {
    setTimeSource(() => Date.parse('2026-11-29T12:00:00.000Z'));
    const [a, b] = [auditItem(event), auditItem(event)];
    expect(a.pk).toBe(b.pk);
    expect(a.sk).not.toBe(b.sk);
  });
});
