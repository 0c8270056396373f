import { sanitizeText } from '../../base/sanitize-text.js';

/** One tab of the settings window. `render` fills `root`; the returned function cleans up. */
export interface Section {
  readonly id: string;
  readonly title: string;
  render(root: HTMLElement): () => void;
}

/** A polite status line for results of actions (screen readers announce it). */
export function statusLine(): HTMLParagraphElement {
  const p = document.createElement('p');
  p.className = 'status';
  p.setAttribute('role', 'status');
  p.setAttribute('aria-live', 'polite');
  return p;
}

/** Show `text` in a status line, as an error when `error`. */
export function say(line: HTMLElement, text: string, error = false): void {
  // Security: results can carry an upstream's words (a test login's error); one safe line.
  line.textContent = sanitizeText(text, { maxChars: 1000 });
  line.classList.toggle('error', error);
}

/** A labelled form control: `<label for=id>` + control, for the grid forms. */
export function labelled(id: string, label: string, control: HTMLElement): HTMLElement[] {
  control.id = id;
  const l = document.createElement('label');
  l.htmlFor = id;
  l.textContent = label;
  return [l, control];
}
