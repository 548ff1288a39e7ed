// validateConfig: limits, then the schema, then the cross-field rules, returning every problem
// at once. When the schema fails, the entries that are valid on their own are still checked
// against each other, so one typo does not hide an overlap elsewhere.
import { err, ok, type Problem, type Result } from '../lib/result.ts';
import { problemsFromIssue } from './issues.ts';
import { checkDocumentLimits } from './limits.ts';
import { crossFieldProblems } from './rules.ts';
import { configSchema, hostSchema, interfaceSchema, ndproxyRuleSchema, type Config } from './schema.ts';

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function validEntries(v: unknown, schema: { safeParse(x: unknown): { success: boolean } }): Record<string, unknown> {
  if (!isRecord(v)) return {};
  return Object.fromEntries(Object.entries(v).filter(([, e]) => schema.safeParse(e).success));
}

/** The parts of a failed document that are valid alone, as a document the schema accepts. */
function salvage(doc: Record<string, unknown>): Config | undefined {
  const shape = configSchema.shape;
  const copy: Record<string, unknown> = { version: 1 };
  copy.interfaces = validEntries(doc.interfaces, interfaceSchema);
  copy.hosts = validEntries(doc.hosts, hostSchema);
  const nd = doc.ndproxy;
  if (isRecord(nd) && Array.isArray(nd.rules)) copy.ndproxy = { rules: nd.rules.filter((r) => ndproxyRuleSchema.safeParse(r).success) };
  for (const key of ['upstream', 'ipam', 'firewall', 'api', 'tui'] as const) {
    if (shape[key].safeParse(doc[key]).success) copy[key] = doc[key];
  }
  const r = configSchema.safeParse(copy);
  return r.success ? r.data : undefined;
}

function dedupe(problems: readonly Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = JSON.stringify([p.code, p.where, p.message]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function validateConfig(doc: unknown): Result<Config, Problem[]> {
  const limits = checkDocumentLimits(doc);
  if (!limits.ok) return err([limits.error]);
  const parsed = configSchema.safeParse(doc, { reportInput: true });
  if (parsed.success) {
    const problems = crossFieldProblems(parsed.data);
    return problems.length === 0 ? ok(parsed.data) : err(problems);
  }
  const problems = parsed.error.issues.flatMap((i) => problemsFromIssue(i));
  if (isRecord(doc)) {
    const partial = salvage(doc);
    const known = { interfaces: new Set(isRecord(doc.interfaces) ? Object.keys(doc.interfaces) : []), sections: new Set(Object.keys(doc)) };
    if (partial !== undefined) problems.push(...crossFieldProblems(partial, known));
  }
  return err(dedupe(problems));
}
