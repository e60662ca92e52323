import { jest } from '@jest/globals';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { CmsRejected, CmsUnavailable, HttpCms, type Cms } from '../../functions/arrests/adapters/cms';
import type { PacketRecord, TransitionChange } from '../../functions/arrests/adapters/packet-store';
import { transmit, type TransmitPorts } from '../../functions/arrests/use-cases/transmit';

/** A CMS on loopback that answers each request with what `answer` says, and keeps what it got. */
async function cmsServer(answer: (req: http.IncomingMessage) => { status: number; body?: unknown } | 'hang') {
  const received: { headers: http.IncomingHttpHeaders; url?: string; body: unknown }[] = [];
  const server = http.createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    req.on('end', () => {
      received.push({ headers: req.headers, url: req.url, body: JSON.parse(text) as unknown });
      const a = answer(req);
      if (a === 'hang') return;
      res.writeHead(a.status, { 'Content-Type': 'application/json' }).end(a.body === undefined ? '' : JSON.stringify(a.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return { url, received, close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const CASE = { packetId: 'P-1', packetVersion: 2, ori: 'CT0000100', incidentNumber: 'INC-1', packet: { any: 'thing' } };

describe('the CMS intake client', () => {
  it('POSTs the case with the bearer credential and idempotency key, and returns the docket', async () => {
    const cms = await cmsServer(() => ({ status: 201, body: { docketNumber: 'D-77' } }));
    try {
      await expect(new HttpCms(cms.url, async () => 'secret-1').intake(CASE, 'P-1-v2')).resolves.toBe('D-77');
      expect(cms.received).toEqual([{ url: '/cases', headers: expect.objectContaining({ authorization: 'Bearer secret-1', 'idempotency-key': 'P-1-v2' }), body: CASE }]);
    } finally {
      await cms.close();
    }
  });

  it.each([
    [503, CmsUnavailable, 'CMS answered 503'],
    [429, CmsUnavailable, 'CMS answered 429'],
    [400, CmsRejected, 'CMS refused packet P-1 version 2 with 400'],
    [200, CmsRejected, 'CMS answered 200 without a docket number'],
  ])('sorts an answer of %i into %p', async (status, kind, message) => {
    const cms = await cmsServer(() => ({ status, body: status === 200 ? { other: 1 } : { error: 'x' } }));
    try {
      const failure = new HttpCms(cms.url, async () => 's').intake(CASE, 'k');
      await expect(failure).rejects.toBeInstanceOf(kind);
      await expect(failure).rejects.toThrow(message);
    } finally {
      await cms.close();
    }
  });

  it('gives up on a CMS that does not answer in time, as one a retry may reach', async () => {
    const cms = await cmsServer(() => 'hang');
    try {
      await expect(new HttpCms(cms.url, async () => 's', 50).intake(CASE, 'k')).rejects.toThrow(new CmsUnavailable('CMS could not be reached: AbortError'));
    } finally {
      await cms.close();
    }
  });
});

describe('transmitting a packet (step 4)', () => {
  const accepted = { packetId: 'P-1', version: 2, status: 'ACCEPTED', ori: 'CT0000100', incidentNumber: 'INC-1', packet: { any: 'thing' } } as unknown as PacketRecord;

  function ports(record: PacketRecord, intake: Cms['intake'], changeStatus: 'changed' | 'already' = 'changed') {
    const transitions: TransitionChange[] = [];
    const statusChanges: TransitionChange[] = [];
    const mustGet = jest.fn(async () => record);
    const announced: unknown[] = [];
    const countFailure = jest.fn();
    const p: TransmitPorts = {
      store: {
        mustGet,
        changeStatus: async (change) => {
          statusChanges.push(change);
          return changeStatus;
        },
        transition: async (change) => {
          transitions.push(change);
          return { packet: { ...record, status: change.to, ...change.set } as PacketRecord } as Awaited<ReturnType<TransmitPorts['store']['transition']>>;
        },
      },
      cms: { intake },
      announce: async (packet, detail) => void announced.push({ status: packet.status, ...detail }),
      countFailure,
      now: () => '2026-11-29T12:00:00.000Z',
    };
    return { p, transitions, statusChanges, announced, countFailure, mustGet };
  }
  const carried = { packet: accepted.packet, ori: 'CT0000100', incidentNumber: 'INC-1' };

  it('transmits the packet the execution carries without reading it, and records TRANSMITTED on condition (no read), announcing it', async () => {
    const intake = jest.fn<Cms['intake']>(async () => 'D-9');
    const { p, statusChanges, transitions, announced, mustGet } = ports(accepted, intake);

    await expect(transmit({ packetId: 'P-1', version: 2, carried }, p)).resolves.toEqual({ docketNumber: 'D-9' });
    expect(intake).toHaveBeenCalledWith({ packetId: 'P-1', packetVersion: 2, ori: 'CT0000100', incidentNumber: 'INC-1', packet: accepted.packet }, 'P-1-v2');
    expect(mustGet).not.toHaveBeenCalled();
    expect(transitions).toEqual([]);
    expect(statusChanges).toEqual([{ packetId: 'P-1', version: 2, to: 'TRANSMITTED', actor: 'dcj-cms', set: { docketNumber: 'D-9' }, details: { docketNumber: 'D-9' }, now: '2026-11-29T12:00:00.000Z' }]);
    expect(announced).toEqual([{ status: 'TRANSMITTED', docketNumber: 'D-9' }]);
  });

  it('a retried carried transmit gets the same docket from CMS (its idempotency key) and changes nothing more', async () => {
    const intake = jest.fn<Cms['intake']>(async () => 'D-9');
    const { p, announced } = ports(accepted, intake, 'already');

    await expect(transmit({ packetId: 'P-1', version: 2, carried }, p)).resolves.toEqual({ docketNumber: 'D-9' });
    expect(intake).toHaveBeenCalledWith(expect.anything(), 'P-1-v2');
    expect(announced).toEqual([{ status: 'TRANSMITTED', docketNumber: 'D-9' }]);
  });

  it('records TRANSMITTED with the docket CMS gave, and announces it', async () => {
    const intake = jest.fn<Cms['intake']>(async () => 'D-9');
    const { p, transitions, announced } = ports(accepted, intake);

    await expect(transmit({ packetId: 'P-1', version: 2 }, p)).resolves.toEqual({ docketNumber: 'D-9' });
    expect(intake).toHaveBeenCalledWith(expect.objectContaining({ packetId: 'P-1', packetVersion: 2 }), 'P-1-v2');
    expect(transitions).toEqual([expect.objectContaining({ to: 'TRANSMITTED', version: 2, set: { docketNumber: 'D-9' }, actor: 'dcj-cms' })]);
    expect(announced).toEqual([{ status: 'TRANSMITTED', docketNumber: 'D-9' }]);
  });

  it('sends nothing again for a packet already transmitted in this version', async () => {
    const intake = jest.fn<Cms['intake']>(async () => 'D-other');
    const { p, transitions } = ports({ ...accepted, status: 'TRANSMITTED', docketNumber: 'D-1' } as PacketRecord, intake);

    await expect(transmit({ packetId: 'P-1', version: 2 }, p)).resolves.toEqual({ docketNumber: 'D-1' });
    expect(intake).not.toHaveBeenCalled();
    expect(transitions).toEqual([]);
  });

  it('counts each failed attempt and lets the error through for the machine to retry or fail', async () => {
    const { p, transitions, countFailure } = ports(accepted, async () => {
      throw new CmsUnavailable('CMS answered 503');
    });

    await expect(transmit({ packetId: 'P-1', version: 2 }, p)).rejects.toThrow('CMS answered 503');
    expect(countFailure).toHaveBeenCalledTimes(1);
    expect(transitions).toEqual([]);
  });

  it('does not count an error that is not CMS’s', async () => {
    const { p, countFailure } = ports(accepted, async () => {
      throw new Error('socket closed by the test');
    });

    await expect(transmit({ packetId: 'P-1', version: 2 }, p)).rejects.toThrow('socket closed');
    expect(countFailure).not.toHaveBeenCalled();
  });
});
