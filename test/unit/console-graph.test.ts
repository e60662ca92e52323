import { aslText } from '../../infra/asl';
import { layoutStateMachine, stateId } from '../../portal/src/pages/ops-graph-layout';

const MACHINES = ['arrest-packet', 'access-request', 'approval', 'diagnostics'] as const;
const definition = (machine: (typeof MACHINES)[number]) => aslText(machine);

describe('the console draws a state machine from its ASL', () => {
  it.each(MACHINES)('%s: every state is a node, every transition an edge, and no two nodes overlap', (machine) => {
    const asl = JSON.parse(definition(machine)) as { StartAt: string; States: Record<string, { Next?: string; Default?: string; Choices?: { Next: string }[]; Catch?: { Next: string }[] }> };
    const graph = layoutStateMachine(definition(machine));

    expect(graph.nodes.filter((n) => n.id.startsWith('state:')).map((n) => n.label).sort()).toEqual(Object.keys(asl.States).sort());
    const edges = new Set(graph.edges.map((e) => `${e.from}>${e.to}`));
    expect(edges.has(`start>${stateId(asl.StartAt)}`)).toBe(true);
    for (const [name, state] of Object.entries(asl.States)) {
      const targets = [state.Next, state.Default, ...(state.Choices ?? []).map((c) => c.Next), ...(state.Catch ?? []).map((c) => c.Next)].filter((t): t is string => t !== undefined);
      for (const target of targets) expect(edges).toContain(`${stateId(name)}>${stateId(target)}`);
    }
    for (const e of graph.edges) expect(e.points.length).toBeGreaterThanOrEqual(2);

    for (const [i, a] of graph.nodes.entries()) {
      for (const b of graph.nodes.slice(i + 1)) {
        const apart = Math.abs(a.x - b.x) * 2 >= a.width + b.width || Math.abs(a.y - b.y) * 2 >= a.height + b.height;
        expect(apart).toBe(true);
      }
    }
    expect(graph.nodes.every((n) => n.x - n.width / 2 >= 0 && n.x + n.width / 2 <= graph.width && n.y + n.height / 2 <= graph.height)).toBe(true);
  });

  it('marks the path taken, and the state it failed in', () => {
    const path = ['IsAdjudicationWaitContinued', 'ValidatePacket', 'IsPacketValid', 'StartClerkReview', 'AwaitClerkReview', 'WhatDidTheClerkDecide', 'RecordAcceptance', 'TransmitToCms'];
    const graph = layoutStateMachine(definition('arrest-packet'), { path, current: 'TransmitToCms', failed: true });
    const node = (name: string) => graph.nodes.find((n) => n.id === stateId(name));

    expect(node('TransmitToCms')).toMatchObject({ failed: true, current: false, visited: true });
    expect(graph.nodes.filter((n) => n.failed)).toHaveLength(1);
    expect(graph.nodes.filter((n) => n.visited).map((n) => n.label).sort()).toEqual([...path].sort());
    expect(node('PacketRejected')).toMatchObject({ visited: false, failed: false, current: false });
    const taken = graph.edges.filter((e) => e.taken).map((e) => `${e.from}>${e.to}`);
    expect(taken).toEqual(expect.arrayContaining([`start>${stateId('IsAdjudicationWaitContinued')}`, `${stateId('RecordAcceptance')}>${stateId('TransmitToCms')}`]));
    expect(taken).toHaveLength(path.length);
  });

  it('marks where a running execution is now, not as failed', () => {
    const graph = layoutStateMachine(definition('diagnostics'), { path: ['RecordRunStarted', 'CheckSystem'], current: 'CheckSystem' });
    expect(graph.nodes.find((n) => n.id === stateId('CheckSystem'))).toMatchObject({ current: true, failed: false });
  });

  it('draws a loop once, and one edge for several transitions between two states', () => {
    const asl = JSON.stringify({
      StartAt: 'Work',
      States: {
        Work: { Type: 'Task', Resource: 'x', Next: 'Again', Catch: [{ ErrorEquals: ['A'], Next: 'Again' }, { ErrorEquals: ['States.ALL'], Next: 'Broken' }] },
        Again: { Type: 'Choice', Choices: [{ Variable: '$.n', NumericLessThan: 3, Next: 'Work' }], Default: 'Done' },
        Done: { Type: 'Pass', End: true },
        Broken: { Type: 'Fail' },
      },
    });
    const graph = layoutStateMachine(asl, { path: ['Work', 'Again', 'Work', 'Again', 'Done'], current: 'Done', succeeded: true });
    expect(graph.edges.filter((e) => e.from === stateId('Work') && e.to === stateId('Again'))).toHaveLength(1);
    expect(graph.edges.find((e) => e.to === 'end')).toMatchObject({ from: stateId('Done'), taken: true });
    expect(graph.edges.find((e) => e.to === stateId('Broken'))).toMatchObject({ kind: 'catch', label: 'catch States.ALL', taken: false });
  });

  it('refuses a definition that is not an ASL document', () => {
    expect(() => layoutStateMachine('not json')).toThrow('not valid JSON');
    expect(() => layoutStateMachine('{"States":{}}')).toThrow('no StartAt');
  });
});
