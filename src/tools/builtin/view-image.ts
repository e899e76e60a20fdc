/**
 * `view_image {path}` (codex profile): attaches a workspace image to the conversation. The call
 * is answered like Codex answers it — a `function_call_output` whose output is content parts,
 * here a short text line and the `input_image` (data URL). The path is confined like every file
 * tool's (symlinks resolved, then checked); the type comes from the bytes, not the extension.
 */

import { formatBytes, loadImageFile } from '../../util/image.js';
import { DEFAULT_IMAGE_MAX_BYTES, defineTool } from '../define-tool.js';
import { VIEW_IMAGE_DESCRIPTION } from '../descriptions/files.js';
import { resolveToolPath } from '../fs/workspace.js';

/** Validated `view_image` arguments. */
export interface ViewImageArgs {
  path: string;
}

export const viewImageTool = defineTool<ViewImageArgs>({
  name: 'view_image',
  kind: 'read',
  description: VIEW_IMAGE_DESCRIPTION,
  parameters: {
    type: 'object',
    properties: {
      path: {
        type: 'string',
        description: 'Image file (PNG, JPEG, WebP or GIF), relative to the workspace root.',
      },
    },
    required: ['path'],
    additionalProperties: false,
  },
  async prepare(args, ctx) {
    const r = resolveToolPath(ctx.ws, args.path, 'read');
    if (!r.ok) return { ok: false, error: `view_image: ${r.error}` };
    return {
      ok: true,
      subject: { kind: 'read', summary: `view_image ${r.display}`, paths: [r.path] },
      touches: [r.path],
    };
  },
  async execute(args, ctx) {
    const r = resolveToolPath(ctx.ws, args.path, 'read');
    if (!r.ok) return { status: 'error', output: `view_image: ${r.error}` };
    // The real path was confined; O_NOFOLLOW refuses a link swapped in since.
    const loaded = loadImageFile(r.path, ctx.settings.imageMaxBytes ?? DEFAULT_IMAGE_MAX_BYTES, {
      noFollow: true,
    });
    if (!loaded.ok)
      return { status: 'error', output: `view_image: ${loaded.error.replace(r.path, r.display)}` };
    const img = loaded.image;
    return {
      status: 'ok',
      output: `Attached ${r.display} (${img.mime}, ${formatBytes(img.bytes)}).`,
      images: [{ mimeType: img.mime, data: img.dataUrl.slice(img.dataUrl.indexOf(',') + 1) }],
    };
  },
});
