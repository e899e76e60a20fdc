/** Model-facing descriptions of the file tools. */

export const READ_FILE_DESCRIPTION = `Read a text file from the workspace. Returns numbered lines ("<line number>\\t<text>").
- \`path\`: relative to the workspace root (absolute paths inside the workspace also work; spill files named in truncated outputs can be read too).
- \`start_line\` / \`end_line\`: 1-based inclusive range (null = from the start / to the end). At most 2000 lines are returned per call; read further with a later start_line.
- Binary files are not shown.
- dotenv files (.env, .env.local…, not templates like .env.example) may hold secrets: reading one needs the user's approval.`;

export const LIST_DIR_DESCRIPTION = `List a directory in the workspace (null path = the root). Directories end with "/", symlinks show their target.`;

export const GLOB_DESCRIPTION = `Find files by glob pattern under a directory of the workspace (null path = the root), honouring .gitignore.
Supports **, *, ?, [abc] and {a,b}. A pattern without "/" matches file names at any depth (e.g. "*.ts"); with "/" it matches the path relative to the search directory (e.g. "src/**/*.test.ts").`;

export const GREP_DESCRIPTION = `Search file contents with a regular expression (ripgrep syntax) under a file or directory of the workspace (null path = the root), honouring .gitignore. Returns "path:line:text" lines. Directory searches skip dotenv files (.env, .env.local…; templates like .env.example are searched); name one as the path to search it, which needs the user's approval.`;

export const WRITE_FILE_DESCRIPTION = `Create or overwrite a file in the workspace with the given full content (parent directories are created). Prefer apply_patch or edit for changes to existing files.`;

export const EDIT_DESCRIPTION = `Replace one exact occurrence of \`old_string\` with \`new_string\` in a workspace file. \`old_string\` must match exactly once (including whitespace and indentation); include enough surrounding lines to make it unique.`;

export const APPLY_PATCH_DESCRIPTION = `Edit files with a patch in this format (all paths relative to the workspace root):

*** Begin Patch
*** Add File: path/new.txt
+line one of the new file
*** Update File: path/existing.py
*** Move to: path/renamed.py   (optional)
@@ def some_function():   (optional context header to locate the hunk)
 context line (leading space)
-removed line
+added line
*** Delete File: path/old.txt
*** End Patch

Each hunk needs enough unchanged context lines (usually 3 before and after) to be located uniquely; several @@ hunks may follow one Update File. The patch is applied atomically: if any hunk does not match, no file is changed and the error names the file and hunk.`;

export const APPLY_PATCH_FREEFORM_DESCRIPTION = `Edit workspace files by writing a patch as plain text (this is a FREEFORM tool: send the raw patch, never JSON). Paths are relative to the workspace root.

*** Begin Patch
*** Add File: path/new.txt
+every line of a new file starts with '+'
*** Update File: path/existing.py
*** Move to: path/renamed.py   (optional)
@@ def some_function():   (optional line that locates the hunk)
 unchanged context line (leading space)
-removed line
+added line
*** Delete File: path/old.txt
*** End Patch

Give each hunk about 3 unchanged lines of context before and after so it matches in one place; one Update File may hold several @@ hunks; "*** End of File" after a hunk anchors it at the end of the file. The whole patch applies atomically: if any hunk does not match, nothing changes and the error names the file and hunk.`;

export const VIEW_IMAGE_DESCRIPTION = `Look at an image file from the workspace (a screenshot, a rendered diagram, a UI capture): the image is attached to the conversation so you can see it. PNG, JPEG, WebP and GIF; use it only for images already on disk.`;
