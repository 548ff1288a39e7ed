// Run by crash.test.ts as a separate process that gets SIGKILLed at random moments: commits
// crashDocument(n) as revision n until `target` revisions exist, printing `ready` once open and
// then a line per commit, so the parent can aim its kill at a child that is busy writing.
import { describe } from '../../src/lib/result.ts';
import { crashDocument, open } from './fixture.ts';

const [path, targetText] = process.argv.slice(2);
if (path === undefined || targetText === undefined) throw new Error('usage: crash-child.ts PATH TARGET');
const target = Number(targetText);
const store = open(path);
process.stdout.write('ready\n');
for (;;) {
  const base = store.running()?.number ?? 0;
  if (base >= target) break;
  const r = store.commit({ document: crashDocument(base + 1), base, author: 'crash-child', comment: `commit ${base + 1}` });
  if (!r.ok) throw new Error(describe(r.error));
  process.stdout.write(`${r.value.number}\n`);
}
store.close();
