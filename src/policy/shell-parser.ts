/**
 * The bash parser behind command classification: tree-sitter-bash (the grammar Codex classifies
 * with) on web-tree-sitter, both WebAssembly, so nothing is compiled at install time. The parser is
 * loaded lazily, on the first command that has to be classified, so startup never pays for it.
 *
 * A tree-sitter tree is turned into plain {@link ShNode} objects at once (and freed), so everything
 * downstream is pure data.
 *
 * One known disagreement is corrected before parsing: tree-sitter treats CR, VT and FF as blanks
 * (and so `\r#` as the start of a comment), while to bash every character other than space, tab,
 * newline and `|&;()<>` is part of a word. Each control character is therefore parsed as a
 * placeholder word character, which gives the tree bash's word boundaries; node text is always
 * taken from the original string.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';

/** One node of a parsed script (a copy of the tree-sitter node). */
export interface ShNode {
  /** Grammar type (`command`, `word`, `&&`, `ERROR`…). */
  type: string;
  /** False for punctuation and keywords (anonymous nodes). */
  named: boolean;
  /** Field name in the parent (`name`, `argument`, `redirect`, `descriptor`…), or null. */
  field: string | null;
  /** Source text of the node (original characters, including controls). */
  text: string;
  start: number;
  end: number;
  /** Inserted by error recovery: the text did not contain it. */
  missing: boolean;
  children: ShNode[];
}

/** A parsed script. */
export interface ShTree {
  root: ShNode;
  /** True when tree-sitter had to recover from a syntax error anywhere. */
  hasError: boolean;
}

// C0 controls other than tab and newline, DEL and C1 controls.
const CONTROL_CHARS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
/** A private-use character: an ordinary word character to tree-sitter, as a control is to bash. */
const PLACEHOLDER = '\uE000';
/** Deeper trees are cut off and reported as errors (a classifier treats them as not understood). */
const MAX_DEPTH = 200;

/** Bundled builds put the .wasm files next to the chunks (dist/wasm); sources use node_modules. */
function wasmBytes(file: string, pkgPath: string): Uint8Array {
  const candidates: string[] = [];
  for (const rel of ['../wasm/', './wasm/']) {
    try {
      candidates.push(fileURLToPath(new URL(`${rel}${file}`, import.meta.url)));
    } catch {
      /* not a file: URL */
    }
  }
  try {
    candidates.push(createRequire(import.meta.url).resolve(pkgPath));
  } catch {
    /* not installed (a bundled build without node_modules) */
  }
  for (const path of candidates) {
    try {
      return readFileSync(path);
    } catch {
      /* try the next location */
    }
  }
  throw new Error(`the bash parser (${file}) is missing from this installation`);
}

interface LoadedParser {
  parse(src: string): ShTree;
}

let loading: Promise<LoadedParser> | null = null;

/**
 * Compiles the two WebAssembly modules with V8's baseline compiler only (Liftoff). tree-sitter-bash
 * is one very large parse-table module; left to V8's dynamic tiering, its optimizing compiler
 * (TurboFan) recompiles it in the background after the first few parses, which measured ~1.8 s of
 * CPU and +45 MiB of peak RSS in a 20-call tool loop on a 2-core machine, for parses that take
 * 0.05–0.1 ms either way. The flag is set only while these modules compile and restored at once,
 * so no other WebAssembly (Ink's yoga) is affected.
 */
async function compileBaselineOnly<T>(compile: () => Promise<T>): Promise<T> {
  setFlagsFromString('--liftoff-only');
  try {
    return await compile();
  } finally {
    setFlagsFromString('--no-liftoff-only');
  }
}

async function load(): Promise<LoadedParser> {
  const { Parser, Language } = await import('web-tree-sitter');
  const bash = await compileBaselineOnly(async () => {
    await Parser.init({
      wasmBinary: wasmBytes('web-tree-sitter.wasm', 'web-tree-sitter/web-tree-sitter.wasm'),
    });
    return Language.load(wasmBytes('tree-sitter-bash.wasm', 'tree-sitter-bash/tree-sitter-bash.wasm'));
  });
  const parser = new Parser();
  parser.setLanguage(bash);
  type TsTree = NonNullable<ReturnType<typeof parser.parse>>;
  // One cursor walk (child(i) and fieldNameForChild(i) are linear each, so quadratic on long lists).
  const copyTree = (tree: TsTree, src: string): { root: ShNode; tooDeep: boolean } => {
    const cursor = tree.walk();
    let tooDeep = false;
    const make = (field: string | null): ShNode => {
      const n = cursor.currentNode;
      return {
        type: n.type,
        named: n.isNamed,
        field,
        text: src.slice(n.startIndex, n.endIndex),
        start: n.startIndex,
        end: n.endIndex,
        missing: n.isMissing,
        children: [],
      };
    };
    const root = make(null);
    const stack: ShNode[] = [root];
    try {
      if (cursor.gotoFirstChild()) {
        for (;;) {
          const parent = stack[stack.length - 1] as ShNode;
          const node = make(cursor.currentFieldName);
          parent.children.push(node);
          if (stack.length < MAX_DEPTH && cursor.gotoFirstChild()) {
            stack.push(node);
            continue;
          }
          if (stack.length >= MAX_DEPTH && cursor.currentNode.childCount > 0) tooDeep = true;
          while (!cursor.gotoNextSibling()) {
            if (!cursor.gotoParent() || stack.length <= 1) return { root, tooDeep };
            stack.pop();
          }
        }
      }
      return { root, tooDeep };
    } finally {
      cursor.delete();
    }
  };
  return {
    parse(src: string): ShTree {
      const tree = parser.parse(src.replace(CONTROL_CHARS, PLACEHOLDER));
      if (!tree) throw new Error('the bash parser returned no tree');
      try {
        const { root, tooDeep } = copyTree(tree, src);
        return { root, hasError: tree.rootNode.hasError || tooDeep };
      } finally {
        tree.delete();
      }
    },
  };
}

/** Loads the parser (once; concurrent callers share the load). */
export function loadShellParser(): Promise<LoadedParser> {
  if (!loading) {
    loading = load();
    loading.catch(() => {
      loading = null;
    });
  }
  return loading;
}

/** Parses `src` as a bash script. Rejects only when the parser itself cannot be loaded. */
export async function parseShell(src: string): Promise<ShTree> {
  return (await loadShellParser()).parse(src);
}
