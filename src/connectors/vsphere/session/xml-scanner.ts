import type { XmlAttribute, XmlElement } from './soap-xml.js';

/** Namespace bound to the `xml` prefix by definition. */
const XML_PREFIX_NS = 'http://www.w3.org/XML/1998/namespace';
/** An XML name, ASCII or not, with at most one colon (namespaces in XML). */
const NAME = /^[A-Za-z_\u00C0-\uFFFF][\w.\-\u00B7\u00C0-\uFFFF]*(?::[A-Za-z_\u00C0-\uFFFF][\w.\-\u00B7\u00C0-\uFFFF]*)?$/;
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

interface MutableElement {
  ns: string;
  local: string;
  attributes: XmlAttribute[];
  children: MutableElement[];
  text: string;
}

/** Namespace bindings as a chain: a declaration adds one link instead of copying a map. */
interface Scope {
  readonly prefix: string;
  readonly uri: string;
  readonly parent: Scope | undefined;
}

interface Frame {
  readonly element: MutableElement;
  readonly rawName: string;
  readonly scope: Scope;
}

/** Per-document state: names already checked (they repeat thousands of times). */
interface ScanState {
  readonly names: Set<string>;
}

/**
 * A strict, single-pass, namespace-aware XML reader for SOAP responses: elements,
 * attributes, text, CDATA, comments and processing instructions. Returns undefined for
 * anything that is not one well-formed element tree. DTDs are refused outright, so there
 * is no entity expansion beyond the five XML entities and character references.
 *
 * Why not a general parser: a 5,000-VM page is ~5 MB of XML, and building fast-xml-parser's
 * ordered tree (after its validation pass) and then ours cost most of a listing's time and
 * garbage (issue 5 benchmark). This reader builds our tree directly with indexOf scans; it
 * is checked against fast-xml-parser on generated documents (test/…/xml-scanner.test.ts).
 */
export function scanXml(xml: string): XmlElement | undefined {
  const n = xml.length;
  const stack: Frame[] = [];
  const rootScope: Scope = { prefix: 'xml', uri: XML_PREFIX_NS, parent: undefined };
  const state: ScanState = { names: new Set() };
  let root: MutableElement | undefined;
  let i = xml.charCodeAt(0) === 0xfeff ? 1 : 0;
  while (i < n) {
    const lt = xml.indexOf('<', i);
    const end = lt < 0 ? n : lt;
    if (end > i) {
      const top = stack[stack.length - 1];
      if (top === undefined) {
        if (!/^\s*$/.test(xml.slice(i, end))) return undefined;
      } else {
        const text = decode(xml.slice(i, end));
        if (text === undefined) return undefined;
        top.element.text += text;
      }
    }
    if (lt < 0) break;
    const next = xml.charCodeAt(lt + 1);
    if (next === 0x21 /* ! */) {
      if (xml.startsWith('<!--', lt)) {
        const close = xml.indexOf('-->', lt + 4);
        if (close < 0) return undefined;
        i = close + 3;
      } else if (xml.startsWith('<![CDATA[', lt)) {
        const top = stack[stack.length - 1];
        const close = xml.indexOf(']]>', lt + 9);
        if (top === undefined || close < 0) return undefined;
        top.element.text += xml.slice(lt + 9, close);
        i = close + 3;
      } else {
        return undefined; // Security: DOCTYPE and other declarations are refused.
      }
      continue;
    }
    if (next === 0x3f /* ? */) {
      const close = xml.indexOf('?>', lt + 2);
      if (close < 0) return undefined;
      i = close + 2;
      continue;
    }
    if (next === 0x2f /* / */) {
      const close = xml.indexOf('>', lt + 2);
      const frame = stack.pop();
      if (close < 0 || frame === undefined || !xml.startsWith(frame.rawName, lt + 2)) return undefined;
      for (let k = lt + 2 + frame.rawName.length; k < close; k++) if (!isSpace(xml.charCodeAt(k))) return undefined;
      i = close + 1;
      continue;
    }
    const parsed = readStartTag(xml, lt, stack[stack.length - 1]?.scope ?? rootScope, state);
    if (parsed === undefined) return undefined;
    const parent = stack[stack.length - 1];
    if (parent !== undefined) parent.element.children.push(parsed.element);
    else if (root === undefined) root = parsed.element;
    else return undefined; // A second root element.
    if (!parsed.selfClosing) stack.push({ element: parsed.element, rawName: parsed.rawName, scope: parsed.scope });
    i = parsed.end;
  }
  return stack.length === 0 ? root : undefined;
}

function readStartTag(
  xml: string,
  lt: number,
  parentScope: Scope,
  state: ScanState,
): { element: MutableElement; rawName: string; scope: Scope; selfClosing: boolean; end: number } | undefined {
  let j = lt + 1;
  while (j < xml.length && !isNameEnd(xml.charCodeAt(j))) j++;
  const rawName = xml.slice(lt + 1, j);
  if (!isName(rawName, state)) return undefined;
  // Most elements have no attributes: allocate the lists on the first one.
  let names: string[] | undefined;
  let values: string[] | undefined;
  let selfClosing = false;
  for (;;) {
    const before = j;
    while (j < xml.length && isSpace(xml.charCodeAt(j))) j++;
    const c = xml.charCodeAt(j);
    if (c === 0x3e /* > */) {
      j++;
      break;
    }
    if (c === 0x2f /* / */) {
      if (xml.charCodeAt(j + 1) !== 0x3e) return undefined;
      selfClosing = true;
      j += 2;
      break;
    }
    if (j === before || j >= xml.length) return undefined; // Attributes need whitespace before them.
    const nameStart = j;
    while (j < xml.length && !isNameEnd(xml.charCodeAt(j)) && xml.charCodeAt(j) !== 0x3d) j++;
    const name = xml.slice(nameStart, j);
    while (isSpace(xml.charCodeAt(j))) j++;
    if (!isName(name, state) || xml.charCodeAt(j) !== 0x3d /* = */) return undefined;
    j++;
    while (isSpace(xml.charCodeAt(j))) j++;
    const quote = xml[j];
    if (quote !== '"' && quote !== "'") return undefined;
    const close = xml.indexOf(quote, j + 1);
    if (close < 0) return undefined;
    const rawValue = xml.slice(j + 1, close);
    const value = rawValue.includes('<') ? undefined : decode(rawValue);
    if (value === undefined || names?.includes(name)) return undefined;
    (names ??= []).push(name);
    (values ??= []).push(value);
    j = close + 1;
  }
  let scope = parentScope;
  const attributes: XmlAttribute[] = [];
  if (names === undefined || values === undefined) return finishStartTag(rawName, scope, attributes, selfClosing, j);
  for (let k = 0; k < names.length; k++) {
    const name = names[k]!;
    if (name === 'xmlns') scope = { prefix: '', uri: values[k]!, parent: scope };
    else if (name.startsWith('xmlns:')) scope = { prefix: name.slice(6), uri: values[k]!, parent: scope };
  }
  for (let k = 0; k < names.length; k++) {
    const name = names[k]!;
    if (name === 'xmlns' || name.startsWith('xmlns:')) continue;
    const colon = name.indexOf(':');
    // Unprefixed attributes have no namespace (they do not take the default one).
    attributes.push(colon < 0 ? { ns: '', local: name, value: values[k]! } : { ns: resolve(scope, name.slice(0, colon)), local: name.slice(colon + 1), value: values[k]! });
  }
  return finishStartTag(rawName, scope, attributes, selfClosing, j);
}

function finishStartTag(rawName: string, scope: Scope, attributes: XmlAttribute[], selfClosing: boolean, end: number) {
  const colon = rawName.indexOf(':');
  const element: MutableElement = {
    ns: resolve(scope, colon < 0 ? '' : rawName.slice(0, colon)),
    local: colon < 0 ? rawName : rawName.slice(colon + 1),
    attributes,
    children: [],
    text: '',
  };
  return { element, rawName, scope, selfClosing, end };
}

// An undeclared prefix resolves to a value no real namespace URI can equal.
function resolve(scope: Scope, prefix: string): string {
  for (let s: Scope | undefined = scope; s !== undefined; s = s.parent) if (s.prefix === prefix) return s.uri;
  return prefix === '' ? '' : `undeclared-prefix:${prefix}`;
}

function isName(name: string, state: ScanState): boolean {
  if (state.names.has(name)) return true;
  if (!NAME.test(name)) return false;
  state.names.add(name);
  return true;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d;
}

function isNameEnd(c: number): boolean {
  return isSpace(c) || c === 0x3e /* > */ || c === 0x2f /* / */ || Number.isNaN(c);
}

/** Decodes the five entities and character references; undefined for a bare or unknown `&`. */
function decode(text: string): string | undefined {
  if (!text.includes('&')) return text;
  let out = '';
  let last = 0;
  for (let amp = text.indexOf('&'); amp >= 0; amp = text.indexOf('&', last)) {
    const semi = text.indexOf(';', amp + 1);
    if (semi < 0) return undefined;
    const ref = text.slice(amp + 1, semi);
    let value: string | undefined;
    if (ref.startsWith('#x')) value = codePoint(/^[0-9a-fA-F]+$/.test(ref.slice(2)) ? parseInt(ref.slice(2), 16) : NaN);
    else if (ref.startsWith('#')) value = codePoint(/^[0-9]+$/.test(ref.slice(1)) ? parseInt(ref.slice(1), 10) : NaN);
    else value = ENTITIES[ref];
    if (value === undefined) return undefined;
    out += text.slice(last, amp) + value;
    last = semi + 1;
  }
  return out + text.slice(last);
}

function codePoint(code: number): string | undefined {
  return Number.isInteger(code) && code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) ? String.fromCodePoint(code) : undefined;
}
