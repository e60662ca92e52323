import { jest } from '@jest/globals';
import type { Email } from '#shared/adapters/mailer';
import type { AccessRequest, AccessStatus } from '../../functions/access/domain/request';
import { advance, type AdvancePorts } from '../../functions/access/use-cases/advance';

const request = (status: AccessStatus): AccessRequest =>
  ({
    requestId: 'AR-20261129-0001',
    status,
    employee: { fullName: "Siobhán O'Neill-Ruiz", email: 'soneill@agency.example' },
    requestedBy: { email: 'admin@agency.example' },
  }) as unknown as AccessRequest;

function ports(stored: AccessRequest) {
  const sent: Email[] = [];
  const moves: { from: readonly AccessStatus[]; to: AccessStatus }[] = [];
  let current = stored;
  const p: AdvancePorts = {
    loadRequest: async () => current,
    changeStatus: async (r, from, to) => {
      moves.push({ from, to });
      current = { ...r, status: to };
      return current;
    },
    send: async (email) => void sent.push(email),
  };
  return { p, sent, moves };
}

describe('moving an access request on after a workflow step', () => {
  it('denies a request under review and tells the agency why', async () => {
    const { p, sent, moves } = ports(request('UNDER_REVIEW'));

    await expect(advance({ requestId: 'AR-20261129-0001', event: 'denied', note: 'no business need stated' }, p)).resolves.toEqual({ status: 'DENIED' });
    expect(moves).toEqual([{ from: ['UNDER_REVIEW'], to: 'DENIED' }]);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ to: ['admin@agency.example'] });
    expect(sent[0]?.text).toContain('Reason: no business need stated');
  });

  it('leads every e-mail to the agency to the request’s page in the portal, when its address is known', async () => {
    for (const [status, event] of [['UNDER_REVIEW', 'denied'], ['UNDER_REVIEW', 'training-assigned'], ['TRAINING_VERIFICATION', 'missing-modules'], ['TRAINING_ASSIGNED', 'request-expired']] as const) {
      const { p, sent } = ports(request(status));
      await advance({ requestId: 'AR-20261129-0001', event, note: 'x' }, { ...p, portalPage: (id) => `https://portal.example/portal/#/access-requests/${id}` });
      expect(sent[0]?.to).toContain('admin@agency.example');
      expect(sent[0]?.text).toContain('the request in the CISS portal: https://portal.example/portal/#/access-requests/AR-20261129-0001');
    }
    const { p, sent } = ports(request('UNDER_REVIEW'));
    await advance({ requestId: 'AR-20261129-0001', event: 'denied', note: 'x' }, p);
    expect(sent[0]?.text).not.toContain('portal');
  });

  it('mails nothing twice when a retried step finds the request already moved', async () => {
    const { p, sent } = ports(request('DENIED'));

    await expect(advance({ requestId: 'AR-20261129-0001', event: 'denied' }, p)).resolves.toEqual({ status: 'DENIED' });
    expect(sent).toEqual([]);
  });

  it('leaves the status of a step that opens a human task to that task, and mails the employee and agency', async () => {
    const { p, sent, moves } = ports(request('UNDER_REVIEW'));

    await expect(advance({ requestId: 'AR-20261129-0001', event: 'training-assigned' }, p)).resolves.toEqual({ status: 'UNDER_REVIEW' });
    expect(moves).toEqual([]);
    expect(sent[0]?.to).toEqual(['soneill@agency.example', 'admin@agency.example']);
  });

  it('mails whom the execution carries without reading the request, for a step that opens a human task', async () => {
    const { p, sent, moves } = ports(request('UNDER_REVIEW'));
    const loadRequest = jest.fn(p.loadRequest);
    const about = { employee: { fullName: 'Ana Lima', email: 'alima@agency.example' }, requestedBy: { email: 'chief@agency.example' } };

    await expect(advance({ requestId: 'AR-20261129-0001', event: 'training-assigned', about }, { ...p, loadRequest })).resolves.toEqual({});
    await advance({ requestId: 'AR-20261129-0001', event: 'missing-modules', note: 'CCHRS & NGI Training', about: { ...about, requestedBy: {} } }, { ...p, loadRequest });
    expect([loadRequest.mock.calls.length, moves]).toEqual([0, []]);
    expect(sent.map((e) => e.to)).toEqual([['alima@agency.example', 'chief@agency.example'], ['alima@agency.example']]);
    expect(sent[0]?.text).toContain('Ana Lima: to receive CCHRS access, complete both of these trainings');
    expect(sent[1]?.text).toContain('What is missing: CCHRS & NGI Training');
  });

  it('reads and moves the request for an event that changes its status, even when the execution carries whom to mail', async () => {
    const { p, moves } = ports(request('UNDER_REVIEW'));
    await expect(advance({ requestId: 'AR-20261129-0001', event: 'denied', note: 'x', about: { employee: { fullName: 'A', email: 'a@b.example' }, requestedBy: {} } }, p)).resolves.toEqual({ status: 'DENIED' });
    expect(moves).toEqual([{ from: ['UNDER_REVIEW'], to: 'DENIED' }]);
  });

  it('refuses an event the request does not expect now, naming where it stands', async () => {
    const { p, sent } = ports(request('ACTIVE'));

    await expect(advance({ requestId: 'AR-20261129-0001', event: 'missing-modules' }, p)).rejects.toThrow('Access request AR-20261129-0001 is ACTIVE; "missing-modules" is not expected now');
    expect(sent).toEqual([]);
  });
});
