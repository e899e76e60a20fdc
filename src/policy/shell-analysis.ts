/**
 * What a parsed bash script does, structurally: every simple command anywhere in it (inside
 * lists, pipelines, subshells, substitutions, loops, functions…), and whether the script is
 * "plain" — nothing but simple commands of literal words joined by `;`, `&&`, `||`, `|` and
 * newlines, with at most harmless redirections. Only a plain script can be known-safe or match an
 * always-allow rule; every node type not listed here makes a script not plain.
 */
import type { ShNode, ShTree } from './shell-parser.js';
import { type WordValue, wordValue } from './shell-words.js';

/** One simple command found anywhere in a script. */
export interface SimpleCommand {
  /** Command name and arguments (assignments and redirections excluded). */
  words: WordValue[];
  /** `NAME=value` prefixes (raw text). */
  assignments: string[];
  /** Scripts fed to it on stdin by a here-document or here-string (raw text). */
  stdinText: string[];
}

/** A plain command: literal argv only. */
export type PlainArgv = string[];

/** The analysis of one script. */
export interface ShellAnalysis {
  /** Every simple command, in source order. */
  commands: SimpleCommand[];
  /** Literal words of every string anywhere in the script (for `… | sh` style checks). */
  strings: string[];
  /** The commands of a plain script, or null when it is not plain. */
  plain: PlainArgv[] | null;
  /** Why the script is not plain (first reason), or '' when it is. */
  whyNotPlain: string;
  /** The parser had to recover from a syntax error. */
  syntaxError: boolean;
  /** Files written by output redirections anywhere (`> f`, `>> f`, `&> f`); null when computed. */
  writes: (string | null)[];
}

// Output may go to these files (or be duplicated onto stdout/stderr) without writing anything.
const NULL_SINKS = new Set(['/dev/null']);

/** Whether a `file_redirect` node is harmless: `2>&1`, `>&2`, `>/dev/null`, `2>/dev/null`, `&>/dev/null`. */
function redirectIsHarmless(node: ShNode): string {
  let op = '';
  let dest: ShNode | undefined;
  for (const c of node.children) {
    if (c.field === 'descriptor') {
      if (!/^[0-9]$/.test(c.text)) return `file descriptor ${c.text}`;
    } else if (c.field === 'destination') dest = c;
    else if (!c.named) op = c.text;
    else return `redirection syntax ${c.type}`;
  }
  const target = dest ? wordValue(dest) : null;
  if (!target?.literal || target.value === null) return 'redirection target is not literal';
  if ((op === '>&' || op === '<&') && /^[0-2]$/.test(target.value)) return '';
  if (['>', '>>', '&>', '&>>', '>|'].includes(op) && NULL_SINKS.has(target.value)) return '';
  return `redirection ${op} ${target.value}`;
}

const SEPARATORS = new Set([';', '&&', '||', '|', '|&', '\n']);
const WORD_TYPES = new Set([
  'word',
  'string',
  'raw_string',
  'number',
  'concatenation',
  'simple_expansion',
  'expansion',
  'command_substitution',
  'process_substitution',
  'arithmetic_expansion',
  'brace_expression',
  'ansi_c_string',
  'translated_string',
]);

/** Analyses a parsed script. Pure. */
export function analyzeTree(tree: ShTree): ShellAnalysis {
  const commands: SimpleCommand[] = [];
  const strings: string[] = [];
  let whyNotPlain = tree.hasError ? 'syntax error' : '';
  const notPlain = (why: string) => {
    whyNotPlain ||= why;
  };
  const plain: PlainArgv[] = [];
  const writes: (string | null)[] = [];

  // Collects every simple command and string anywhere (no plainness judgement).
  const collect = (n: ShNode, herein: string[]): void => {
    if (n.type === 'command') {
      const cmd: SimpleCommand = { words: [], assignments: [], stdinText: [...herein] };
      for (const c of n.children) {
        if (c.type === 'variable_assignment') cmd.assignments.push(c.text);
        else if (c.field === 'name' || c.field === 'argument') cmd.words.push(wordValue(c));
        else if (c.type === 'herestring_redirect' || c.type === 'heredoc_redirect')
          cmd.stdinText.push(c.text);
      }
      commands.push(cmd);
    } else if (n.type === 'declaration_command' || n.type === 'unset_command') {
      const name = n.children[0];
      const words: WordValue[] = name ? [{ value: name.text, literal: true, why: '' }] : [];
      for (const c of n.children.slice(1)) if (WORD_TYPES.has(c.type)) words.push(wordValue(c));
      commands.push({ words, assignments: [], stdinText: [...herein] });
    }
    if (n.type === 'raw_string' || n.type === 'string' || n.type === 'ansi_c_string') {
      const v = wordValue(n);
      if (v.value !== null) strings.push(n.type === 'ansi_c_string' ? n.text.slice(2, -1) : v.value);
    }
    if (n.type === 'heredoc_body') strings.push(n.text);
    if (n.type === 'file_redirect') {
      const op = n.children.find((c) => !c.named)?.text ?? '';
      const dest = n.children.find((c) => c.field === 'destination');
      const v = dest ? wordValue(dest) : null;
      if (
        v &&
        ['>', '>>', '&>', '&>>', '>|', '>&'].includes(op) &&
        !(op === '>&' && /^[0-9-]$/.test(v.value ?? ''))
      )
        writes.push(v.runtime || v.value === null ? null : v.value);
    }
    // `'git -c alias.x='\''reset --hard'\'' x'`: the pieces only make sense together.
    if (
      n.type === 'concatenation' &&
      n.children.some((c) => c.type === 'raw_string' || c.type === 'string')
    ) {
      const v = wordValue(n);
      if (v.value !== null) strings.push(v.value);
    }
    // A redirected statement's here-documents feed its command.
    let feeds = herein;
    if (n.type === 'redirected_statement') {
      const docs = n.children
        .filter((c) => c.type === 'heredoc_redirect' || c.type === 'herestring_redirect')
        .map((c) => c.text);
      if (docs.length > 0) feeds = [...herein, ...docs];
    }
    for (const c of n.children) collect(c, feeds);
  };
  collect(tree.root, []);

  // Plainness: only the node types below, anywhere.
  const plainCommand = (n: ShNode): void => {
    const argv: string[] = [];
    for (const c of n.children) {
      if (c.field === 'name' || c.field === 'argument') {
        const v = wordValue(c);
        if (!v.literal || v.value === null) notPlain(v.why || 'word is not literal');
        argv.push(v.value ?? '');
      } else if (c.type === 'variable_assignment') notPlain('environment assignment');
      else if (c.type === 'file_redirect') {
        const why = redirectIsHarmless(c);
        if (why) notPlain(why);
      } else notPlain(`${c.type} in a command`);
    }
    plain.push(argv);
  };
  const plainNode = (n: ShNode): void => {
    if (n.missing) {
      notPlain('incomplete command');
      return;
    }
    switch (n.type) {
      case 'program':
      case 'list':
      case 'pipeline':
        for (const c of n.children) {
          if (c.named) plainNode(c);
          else if (!SEPARATORS.has(c.type))
            notPlain(c.type === '&' ? 'background job' : `operator ${c.type}`);
        }
        break;
      case 'redirected_statement':
        for (const c of n.children) {
          if (c.field === 'body') plainNode(c);
          else if (c.type === 'file_redirect') {
            const why = redirectIsHarmless(c);
            if (why) notPlain(why);
          } else notPlain(c.type === 'heredoc_redirect' ? 'here-document' : `${c.type}`);
        }
        break;
      case 'command':
        plainCommand(n);
        break;
      default:
        notPlain(n.type.replace(/_/g, ' '));
    }
  };
  plainNode(tree.root);
  if (!whyNotPlain && plain.length === 0) notPlain('empty script');
  return {
    commands,
    strings,
    plain: whyNotPlain ? null : plain,
    whyNotPlain,
    syntaxError: tree.hasError,
    writes,
  };
}
