/** A text field of a submitted form ('' when absent; FormData can also hold Files). */
export function formText(form: HTMLFormElement, name: string): string {
  const value = new FormData(form).get(name);
  return typeof value === 'string' ? value : '';
}
