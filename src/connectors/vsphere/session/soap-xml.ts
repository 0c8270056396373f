import { XMLParser, XMLValidator } from 'fast-xml-parser';

/** Namespace URIs that vim25 parsing matches on (never on prefixes, see reference §1). */
export const XML_NS = {
  soapEnv: 'http://schemas.xmlsoap.org/soap/envelope/',
  xsi: 'http://www.w3.org/2001/XMLSchema-instance',
  vim25: 'urn:vim25',
  xml: 'http://www.w3.org/XML/1998/namespace',
} as const;

/** An attribute with its prefix resolved: `ns` is the namespace URI, '' when unqualified. */
export interface XmlAttribute {
  readonly ns: string;
  readonly local: string;
  readonly value: string;
}

/** An element with its prefix resolved to a namespace URI and its entities decoded. */
export interface XmlElement {
  readonly ns: string;
  readonly local: string;
  readonly attributes: readonly XmlAttribute[];
  readonly children: readonly XmlElement[];
  /** Character data directly inside this element (CDATA included), concatenated. */
  readonly text: string;
}

type RawNode = Record<string, unknown>;

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  cdataPropName: '#cdata',
  parseTagValue: false, // "6.5" is an apiVersion string, not a number
  parseAttributeValue: false,
  trimValues: false,
  // Security: no entity expansion by the parser; decodeEntities handles the five XML
  // entities and character references only, so no DTD tricks (and DOCTYPE is refused).
  processEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
});

/**
 * Parses an XML document into a namespace-resolved tree. Returns undefined for anything
 * that is not one well-formed element tree (HTML error pages, truncated bodies, DTDs).
 */
export function parseXml(xml: string): XmlElement | undefined {
  // Security: SOAP forbids DTDs; refusing them rules out entity-expansion attacks.
  if (/<!DOCTYPE/i.test(xml)) return undefined;
  if (XMLValidator.validate(xml) !== true) return undefined;
  const roots = (parser.parse(xml) as RawNode[]).filter((n) => elementName(n) !== undefined);
  if (roots.length !== 1) return undefined;
  return toElement(roots[0]!, new Map([['xml', XML_NS.xml]]));
}

/** The value of the attribute `local` in namespace `ns` ('' for unqualified). */
export function attributeValue(element: XmlElement, ns: string, local: string): string | undefined {
  return element.attributes.find((a) => a.ns === ns && a.local === local)?.value;
}

/** Child elements named `local`, optionally also in namespace `ns`. */
export function childElements(element: XmlElement, local: string, ns?: string): XmlElement[] {
  return element.children.filter((c) => c.local === local && (ns === undefined || c.ns === ns));
}

/** The first child element named `local`, optionally also in namespace `ns`. */
export function childElement(element: XmlElement, local: string, ns?: string): XmlElement | undefined {
  return childElements(element, local, ns)[0];
}

/** Text of the first child named `local`, or undefined when there is no such child. */
export function childText(element: XmlElement, local: string): string | undefined {
  return childElement(element, local)?.text;
}

/** The local part of a QName value such as `xsd:string` or `InvalidLogin`. */
export function qnameLocal(value: string): string {
  return value.slice(value.indexOf(':') + 1);
}

function elementName(node: RawNode): string | undefined {
  return Object.keys(node).find((k) => k !== ':@' && !k.startsWith('#'));
}

function toElement(node: RawNode, inherited: ReadonlyMap<string, string>): XmlElement {
  const name = elementName(node)!;
  const rawAttributes = (node[':@'] ?? {}) as Record<string, string>;
  const scope = new Map(inherited);
  for (const [key, value] of Object.entries(rawAttributes)) {
    if (key === 'xmlns') scope.set('', decodeEntities(value));
    else if (key.startsWith('xmlns:')) scope.set(key.slice(6), decodeEntities(value));
  }
  const attributes: XmlAttribute[] = [];
  for (const [key, value] of Object.entries(rawAttributes)) {
    if (key === 'xmlns' || key.startsWith('xmlns:')) continue;
    const { prefix, local } = splitName(key);
    // Unprefixed attributes have no namespace (they do not take the default one).
    attributes.push({ ns: prefix === '' ? '' : resolve(scope, prefix), local, value: decodeEntities(value) });
  }
  const children: XmlElement[] = [];
  let text = '';
  for (const child of (node[name] ?? []) as RawNode[]) {
    if ('#text' in child) text += decodeEntities(String(child['#text']));
    else if ('#cdata' in child) text += ((child['#cdata'] ?? []) as RawNode[]).map((c) => String(c['#text'] ?? '')).join('');
    else if (elementName(child) !== undefined) children.push(toElement(child, scope));
  }
  const { prefix, local } = splitName(name);
  return { ns: resolve(scope, prefix), local, attributes, children, text };
}

function splitName(name: string): { prefix: string; local: string } {
  const i = name.indexOf(':');
  return i < 0 ? { prefix: '', local: name } : { prefix: name.slice(0, i), local: name.slice(i + 1) };
}

// An undeclared prefix resolves to a value no real namespace URI can equal.
function resolve(scope: ReadonlyMap<string, string>, prefix: string): string {
  return scope.get(prefix) ?? (prefix === '' ? '' : `undeclared-prefix:${prefix}`);
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Decodes the five XML entities and numeric character references in one pass. */
function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|amp|lt|gt|quot|apos);/g, (whole, ref: string) => {
    if (ref.startsWith('#')) {
      const code = ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[ref] ?? whole;
  });
}
