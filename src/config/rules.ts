// Every cross-field rule, run on a document that passed (or was salvaged from) the schema.
import type { Problem } from '../lib/result.ts';
import { dhcpv6RuleProblems } from './dhcpv6-rules.ts';
import { hostRuleProblems } from './host-rules.ts';
import { interfaceRuleProblems } from './interface-rules.ts';
import { overlapRuleProblems } from './overlap-rules.ts';
import { raRuleProblems } from './ra-rules.ts';
import { knownNamesOf, referenceRuleProblems, type KnownNames } from './reference-rules.ts';
import type { Config } from './schema.ts';

export function crossFieldProblems(config: Config, known: KnownNames = knownNamesOf(config)): Problem[] {
  return [
    ...referenceRuleProblems(config, known),
    ...interfaceRuleProblems(config),
    ...raRuleProblems(config),
    ...dhcpv6RuleProblems(config),
    ...hostRuleProblems(config, known),
    ...overlapRuleProblems(config),
  ];
}
