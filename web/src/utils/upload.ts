// Files a person picks for an import: checked here before they are read, then sent as base64.

/** The largest file the import dialogs send: base64 grows it by a third, still under the server's 32 MB upload limit. */
export const UPLOAD_MAX_BYTES = 20 * 1024 * 1024;

/** Why a picked file cannot be sent: 'type' when its extension is not one of `exts` (without dots,
 *  any case), 'size' when it is larger than `max` bytes; null when it may be read. */
export function fileProblem(f: Pick<File, 'name' | 'size'>, exts: string[], max = UPLOAD_MAX_BYTES): 'type' | 'size' | null {
  const dot = f.name.lastIndexOf('.');
  const ext = dot < 0 ? '' : f.name.slice(dot + 1).toLowerCase();
  if (!exts.includes(ext)) return 'type';
  if (f.size > max) return 'size';
  return null;
}

/** A file's bytes as standard base64 (for the API's content_base64 fields). */
export function readBase64(f: File): Promise<string> {
  return new Promise((ok, fail) => {
    const r = new FileReader();
    r.onload = () => ok(String(r.result).replace(/^data:[^,]*,/, ''));
    r.onerror = () => fail(r.error);
    r.readAsDataURL(f);
  });
}
