/**
 * Image files for the model: the type is decided by magic bytes (never by the extension), the
 * size is capped before anything is read, and the bytes become an `input_image` data URL.
 * Shared by `view_image`, `-i/--image` and the composer's attachments.
 */
import { createHash } from 'node:crypto';
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';

/** The image types the Responses API accepts as `input_image`. */
export type ImageMime = 'image/png' | 'image/jpeg' | 'image/webp' | 'image/gif';

/** A loaded image. */
export interface LoadedImage {
  /** Path it was read from (as given). */
  path: string;
  mime: ImageMime;
  bytes: number;
  /** Hex SHA-256 of the bytes (session files store each image once under it). */
  sha256: string;
  /** `data:<mime>;base64,…` */
  dataUrl: string;
}

/** The image type of `buf` from its first bytes, or null when it is none of PNG/JPEG/WebP/GIF. */
export function sniffImageMime(buf: Uint8Array): ImageMime | null {
  const b = buf;
  if (
    b.length >= 8 &&
    b[0] === 0x89 &&
    b[1] === 0x50 &&
    b[2] === 0x4e &&
    b[3] === 0x47 &&
    b[4] === 0x0d &&
    b[5] === 0x0a &&
    b[6] === 0x1a &&
    b[7] === 0x0a
  )
    return 'image/png';
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  const ascii = (from: number, to: number) => String.fromCharCode(...b.subarray(from, to));
  if (b.length >= 6 && (ascii(0, 6) === 'GIF87a' || ascii(0, 6) === 'GIF89a')) return 'image/gif';
  if (b.length >= 12 && ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'image/webp';
  return null;
}

/** Human size: 1.5 MB, 820 KB, 12 B. */
export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(n >= 10 * 1024 * 1024 ? 0 : 1)} MB`;
  if (n >= 1024) return `${Math.round(n / 1024)} KB`;
  return `${n} B`;
}

/** A data URL from bytes of a known type. */
export function imageDataUrl(mime: ImageMime, bytes: Uint8Array): string {
  return `data:${mime};base64,${Buffer.from(bytes).toString('base64')}`;
}

/**
 * Reads an image file through one file descriptor (no check-then-open race): it must be a
 * regular file of at most `maxBytes`, whose bytes are PNG, JPEG, WebP or GIF. Never throws;
 * errors are one line naming the file. With `noFollow`, a symlink as the last component is
 * refused (callers that already resolved and confined the real path pass it).
 */
export function loadImageFile(
  path: string,
  maxBytes: number,
  opts: { noFollow?: boolean } = {},
): { ok: true; image: LoadedImage } | { ok: false; error: string } {
  let fd: number;
  try {
    fd = openSync(
      path,
      constants.O_RDONLY | (opts.noFollow ? constants.O_NOFOLLOW : 0) | constants.O_NONBLOCK,
    );
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { ok: false, error: `${path}: no such file` };
    if (code === 'ELOOP') return { ok: false, error: `${path}: is a symbolic link` };
    if (code === 'EACCES' || code === 'EPERM') return { ok: false, error: `${path}: permission denied` };
    if (code === 'EISDIR') return { ok: false, error: `${path}: is a directory, not an image file` };
    return { ok: false, error: `${path}: cannot open (${(err as Error).message})` };
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) return { ok: false, error: `${path}: is a directory, not an image file` };
    if (!st.isFile()) return { ok: false, error: `${path}: not a regular file` };
    if (st.size > maxBytes)
      return {
        ok: false,
        error: `${path}: image is ${formatBytes(st.size)}, over the ${formatBytes(maxBytes)} limit (imageMaxBytes)`,
      };
    if (st.size === 0) return { ok: false, error: `${path}: empty file, not an image` };
    const buf = Buffer.alloc(st.size);
    let off = 0;
    while (off < st.size) {
      const n = readSync(fd, buf, off, st.size - off, off);
      if (n === 0) break;
      off += n;
    }
    const bytes = buf.subarray(0, off);
    const mime = sniffImageMime(bytes);
    if (!mime)
      return { ok: false, error: `${path}: not a PNG, JPEG, WebP or GIF image (checked by content)` };
    return {
      ok: true,
      image: {
        path,
        mime,
        bytes: bytes.length,
        sha256: createHash('sha256').update(bytes).digest('hex'),
        dataUrl: imageDataUrl(mime, bytes),
      },
    };
  } catch (err) {
    return { ok: false, error: `${path}: cannot read (${(err as Error).message})` };
  } finally {
    closeSync(fd);
  }
}
