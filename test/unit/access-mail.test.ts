import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SUBJECT_MAX, subjectFor } from '../../functions/tasks/pages';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** Every human step's question in a machine's ASL, by step. */
function questions(file: string): Record<string, string> {
  const found: Record<string, string> = {};
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    const o = node as Record<string, unknown>;
    if (typeof o['question'] === 'string' && typeof o['step'] === 'string') found[o['step']] = o['question'];
    Object.values(o).forEach(walk);
  };
  walk(JSON.parse(readFileSync(path.join(ROOT, 'statemachines', file), 'utf8')));
  return found;
}

const longName = 'Maria-Fernanda Concepción de los Santos Villanueva-Rodríguez y Castellanos-Montenegro';

describe('the subject of a human task’s e-mail', () => {
  it.each(['access-request.asl.json', 'arrest-packet.asl.json'])('%s: every question is plain words, with no placeholder left in braces', (file) => {
    const q = questions(file);
    expect(Object.keys(q).length).toBeGreaterThan(0);
    for (const question of Object.values(q)) expect(question).not.toMatch(/[{}]/);
  });

  it('for the unit’s training verification names the step and the whole title, within 200 characters', () => {
    const question = questions('access-request.asl.json')['training-verification'] as string;
    const title = `CCHRS access for ${longName} (CT0000100)`;
    for (const reminder of [0, 2]) {
      const subject = subjectFor({ reminder, maxReminders: 2, question, subject: { type: 'access-request', id: 'AR-1', title, facts: [] } });
      expect(subject.length).toBeLessThanOrEqual(SUBJECT_MAX);
      expect(subject).toMatch(/^(Reminder 2 of 2: )?Verify both trainings on CJIS Online/);
      expect(subject.endsWith(`(${title})`)).toBe(true);
      expect(subject).not.toContain('{id}');
    }
  });

  it('shortens a long question at a word, with an ellipsis, and keeps the title whole', () => {
    const question = 'word '.repeat(60).trim();
    const title = 'Packet 123 (CT0000100)';
    const subject = subjectFor({ reminder: 1, maxReminders: 2, question, subject: { type: 'x', id: '1', title, facts: [] } });
    expect(subject.length).toBeLessThanOrEqual(SUBJECT_MAX);
    expect(subject).toMatch(/^Reminder 1 of 2: (word )+word… \(Packet 123 \(CT0000100\)\)$/);
  });

  it('keeps a short subject as it is, on one line', () => {
    expect(subjectFor({ reminder: 0, maxReminders: 2, question: 'Approve?\r\nNow', subject: { type: 'x', id: '1', title: 'T', facts: [] } })).toBe('Approve? Now (T)');
  });
});
