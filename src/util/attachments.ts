/**
 * Images in composer text (pure parsing + one loader): `@shot.png` mentions and pasted image
 * paths (terminals paste a dragged file as `/abs/path.png`, `'/abs/my shot.png'`,
 * `/abs/my\ shot.png` or `file:///abs/path.png`). The UI calls {@link attachImages} on submit;
 * the parsing half ({@link findImageRefs}) touches nothing.
 */
import { homedir } from 'node:os';
import { basename, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type LoadedImage, loadImageFile } from './image.js';

const IMAGE_EXT = /\.(png|jpe?g|webp|gif)$/i;

/** One image reference found in the text. */
export interface ImageRef {
  /** Offsets of the whole token in the text. */
  start: number;
  end: number;
  /** The path as written (quotes, escapes and `file://` removed; `@` dropped). */
  path: string;
  /** `mention` (`@file.png`, kept in the text) or `pasted` (replaced by a short label). */
  kind: 'mention' | 'pasted';
}

/** Splits on unquoted, unescaped whitespace; returns tokens with their offsets (raw text). */
function tokens(text: string): Array<{ start: number; end: number; raw: string }> {
  const out: Array<{ start: number; end: number; raw: string }> = [];
  let i = 0;
  while (i < text.length) {
    while (i < text.length && /\s/.test(text[i] ?? '')) i++;
    if (i >= text.length) break;
    const start = i;
    let quote: string | null = null;
    while (i < text.length) {
      const c = text[i] ?? '';
      if (quote) {
        if (c === quote) quote = null;
      } else if (c === '\\' && i + 1 < text.length) {
        i++;
      } else if (c === "'" || c === '"') {
        quote = c;
      } else if (/\s/.test(c)) break;
      i++;
    }
    out.push({ start, end: i, raw: text.slice(start, i) });
  }
  return out;
}

/** Removes one level of shell-style quoting and backslash escapes. */
function unquote(raw: string): string {
  let out = '';
  let quote: string | null = null;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i] ?? '';
    if (quote) {
      if (c === quote) quote = null;
      else out += c;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === '\\' && i + 1 < raw.length) out += raw[++i];
    else out += c;
  }
  return out;
}

/** Image references in `text`: `@path.png` mentions and pasted absolute/home/file:// image paths. */
export function findImageRefs(text: string): ImageRef[] {
  const refs: ImageRef[] = [];
  for (const t of tokens(text)) {
    if (t.raw.startsWith('@') && t.raw.length > 1) {
      const path = unquote(t.raw.slice(1));
      if (IMAGE_EXT.test(path)) refs.push({ start: t.start, end: t.end, path, kind: 'mention' });
      continue;
    }
    let path = unquote(t.raw);
    if (path.startsWith('file://')) {
      try {
        path = fileURLToPath(path);
      } catch {
        continue;
      }
    }
    if ((isAbsolute(path) || path.startsWith('~/')) && IMAGE_EXT.test(path))
      refs.push({ start: t.start, end: t.end, path, kind: 'pasted' });
  }
  return refs;
}

/** Result of {@link attachImages}. */
export interface AttachResult {
  /** The text to send: pasted paths replaced by `[image: name]`, mentions kept. */
  text: string;
  images: Array<LoadedImage & { path: string }>;
  /** One line per image that could not be attached (the message should not be sent). */
  errors: string[];
}

/**
 * Loads every image referenced in `text` (relative paths from `cwd`; type by content, at most
 * `maxBytes` each; the same file once). Never throws.
 */
export function attachImages(text: string, opts: { cwd: string; maxBytes: number }): AttachResult {
  const refs = findImageRefs(text);
  if (refs.length === 0) return { text, images: [], errors: [] };
  const images: AttachResult['images'] = [];
  const errors: string[] = [];
  const seen = new Set<string>();
  let out = '';
  let last = 0;
  for (const ref of refs) {
    const expanded = ref.path.startsWith('~/') ? resolve(homedir(), ref.path.slice(2)) : ref.path;
    const abs = resolve(opts.cwd, expanded);
    const r = loadImageFile(abs, opts.maxBytes);
    out += text.slice(last, ref.start);
    last = ref.end;
    if (!r.ok) {
      errors.push(r.error.replace(abs, ref.path));
      out += text.slice(ref.start, ref.end);
      continue;
    }
    out += ref.kind === 'pasted' ? `[image: ${basename(abs)}]` : text.slice(ref.start, ref.end);
    if (seen.has(r.image.sha256)) continue;
    seen.add(r.image.sha256);
    images.push({ ...r.image, path: ref.path });
  }
  out += text.slice(last);
  return { text: out, images, errors };
}
