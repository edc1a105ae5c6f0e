// Pure helpers of the monthly pack page.

/** Whether two narratives are the same paragraphs (trailing blanks and CRLF ignored). */
export function sameParagraphs(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const norm = (s: string) => s.replace(/\r\n/g, '\n').trimEnd();
  return a.every((p, i) => norm(p) === norm(b[i]));
}
