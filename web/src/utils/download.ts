// Files the browser saves from data the page already holds (an error workbook sent back as base64,
// a generated CSV template).

export const XLSX_MIME = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** Standard base64 → bytes. */
export function base64Bytes(b64: string): Uint8Array {
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

/** Saves a Blob under a name (a temporary link clicked). */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.click();
  // the click has started the download; the URL may go
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/** Saves base64 content (e.g. the importers' error_workbook_base64). */
export function saveBase64(b64: string, filename: string, type = XLSX_MIME): void {
  saveBlob(new Blob([base64Bytes(b64) as BlobPart], { type }), filename);
}
