/** Builds the prompt of a --prompt run. */

/** The prompt with piped stdin attached as a delimited context block (empty stdin is ignored). */
export function composePrompt(prompt: string, stdinContext: string | undefined): string {
  if (!stdinContext?.trim()) return prompt;
  return `${prompt}\n\n<stdin>\n${stdinContext.replace(/\n$/, '')}\n</stdin>`;
}
