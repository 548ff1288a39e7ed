// `v6edge completion bash`: a bash completion script for the verbs and their flags.
import { UsageError } from './args.ts';
import { EXIT_OK, type CliIo } from './io.ts';

const WORDS: Readonly<Record<string, string>> = {
  '': 'status config hosts leases routes ndproxy firewall plan confirm rollback diff history daemon tui ipam demo completion help',
  config: 'validate import import-radvd export-radvd show export diff edit commit confirm rollback history --newer --store --socket --comment --confirm --candidate --rev --limit --yes',
  hosts: 'list add remove --interface --next-hop --prefix --network --socket',
  leases: 'release --iface --duid --limit --socket',
  daemon: '--store --socket --netns --no-services',
  rollback: '--comment --socket',
  history: '--limit --socket',
  completion: 'bash',
  tui: '--socket',
  ipam: 'show --store',
};

export function bashCompletion(): string {
  const cases = Object.entries(WORDS)
    .filter(([k]) => k !== '')
    .map(([k, v]) => `    ${k}) words="${v}" ;;`)
    .join('\n');
  return `# bash completion for v6edge; source it or put it in /etc/bash_completion.d/v6edge
_v6edge() {
  local cur=\${COMP_WORDS[COMP_CWORD]} words
  if [ "$COMP_CWORD" -eq 1 ]; then
    words="${WORDS['']}"
  else
    case "\${COMP_WORDS[1]}" in
${cases}
    *) words="--socket" ;;
    esac
  fi
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -F _v6edge v6edge
`;
}

export function runCompletion(argv: readonly string[], io: CliIo): number {
  if (argv[0] !== 'bash' || argv.length !== 1) throw new UsageError('completion supports: bash');
  io.out(bashCompletion());
  return EXIT_OK;
}
