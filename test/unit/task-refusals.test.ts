import type { AuditEvent } from '#shared/audit';
import { auditRefusedLink, type RefusalPorts } from '../../functions/tasks/domain/refusals';

function fakePorts(limit: number): RefusalPorts & { readonly records: AuditEvent[] } {
  const counts = new Map<string, number>();
  const records: AuditEvent[] = [];
  return {
    limit,
    records,
    take: (source) => {
      const n = (counts.get(source) ?? 0) + 1;
      counts.set(source, n);
      return Promise.resolve(n <= limit ? n : undefined);
    },
    record: (event) => {
      records.push(event);
      return Promise.resolve();
    },
  };
}

const source = { ip: '203.0.113.9', userAgent: 'scanner/1.0' };

describe('auditing a refused approval link', () => {
  it('names a well-formed task id, the reason, the method and the source, as an anonymous attempt', async () => {
    const ports = fakePorts(3);
    expect(await auditRefusedLink({ taskId: 'wC-GnLvt4HFOEkJLNRFE1w', reason: 'signature does not match', method: 'POST', source }, ports)).toBe(true);
    expect(ports.records).toEqual([
      { type: 'ApprovalLinkRefused', outcome: 'denied', actor: 'anonymous', component: 'human-tasks', subject: { type: 'task', id: 'wC-GnLvt4HFOEkJLNRFE1w' }, source, details: { reason: 'signature does not match', method: 'POST' } },
    ]);
  });

  it('names a malformed id only by a hash, and cuts a long user agent', async () => {
    const ports = fakePorts(3);
    await auditRefusedLink({ taskId: 'Doe, John born 1990-04-12', reason: 'unknown task', method: 'GET', source: { ip: '203.0.113.9', userAgent: 'x'.repeat(5000) } }, ports);
    const [record] = ports.records;
    expect(record).toMatchObject({ outcome: 'failure', subject: { type: 'task', id: 'malformed' }, details: { givenSha256: expect.stringMatching(/^[0-9a-f]{16}$/) as unknown } });
    expect(JSON.stringify(record)).not.toContain('Doe');
    expect(record?.source?.userAgent).toHaveLength(256);
  });

  it('records at most the limit per source, says so on the last, and counts sources apart', async () => {
    const ports = fakePorts(3);
    const refuse = (ip: string) => auditRefusedLink({ taskId: 'wC-GnLvt4HFOEkJLNRFE1w', reason: 'signature does not match', method: 'GET', source: { ip } }, ports);
    const recorded = [];
    for (let i = 0; i < 10; i++) recorded.push(await refuse('203.0.113.9'));
    expect(recorded).toEqual([true, true, true, false, false, false, false, false, false, false]);
    expect(ports.records.map((r) => typeof r.details?.['further'])).toEqual(['undefined', 'undefined', 'string']);
    expect(await refuse('198.51.100.4')).toBe(true);
  });
});
