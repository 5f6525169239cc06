/** Copies text; false where the Clipboard API is unavailable (non-secure origins). */
export async function copyText(text: string): Promise<boolean> {
  const clipboard = (navigator as Partial<Pick<Navigator, 'clipboard'>>).clipboard;
  if (!clipboard) return false;
  try {
    await clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}
