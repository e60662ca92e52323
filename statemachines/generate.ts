/** `npm run asl`: writes every workflow definition to its `.asl.json`, and says which changed. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { definitions, fileOf, render } from './machines';

for (const [name, definition] of Object.entries(definitions)) {
  const text = render(definition);
  const file = fileOf(name);
  const changed = !existsSync(file) || readFileSync(file, 'utf8') !== text;
  if (changed) writeFileSync(file, text);
  console.log(`statemachines/${name}: ${changed ? 'written' : 'unchanged'}`);
}
