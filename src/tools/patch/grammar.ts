/**
 * The Lark grammar of the patch format, sent as the `format` of the freeform `apply_patch` tool
 * (codex profile). Written for tether from the format `parse.ts` accepts; it constrains what the
 * model samples, while `parse.ts` stays the tolerant reader of what actually arrives.
 *
 * - a hunk body line starts with ' ', '-' or '+', so file content that itself reads
 *   "*** End Patch" travels as " *** End Patch" / "+*** End Patch" and never ends the patch;
 * - `Add File` may have no lines (an empty file); `Update File` may be a pure move;
 * - every line ends with LF (the tool accepts CRLF too, but the model is asked for LF).
 */
export const APPLY_PATCH_LARK_GRAMMAR = `start: begin_patch file_op+ end_patch

begin_patch: "*** Begin Patch" LF
end_patch: "*** End Patch" LF?

file_op: add_file | delete_file | update_file

add_file: "*** Add File: " path LF added_line*
delete_file: "*** Delete File: " path LF
update_file: "*** Update File: " path LF move_to? hunk*

move_to: "*** Move to: " path LF
hunk: hunk_header? hunk_line+ end_of_file?
hunk_header: "@@" LF | "@@ " TEXT LF
hunk_line: (" " | "-" | "+") TEXT? LF
added_line: "+" TEXT? LF
end_of_file: "*** End of File" LF

path: TEXT
TEXT: /[^\\n]+/
LF: "\\n"
`;
