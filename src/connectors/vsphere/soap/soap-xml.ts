import { scanXml } from './xml-scanner.js';

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

/**
 * Parses an XML document into a namespace-resolved tree. Returns undefined for anything
 * that is not one well-formed element tree (HTML error pages, truncated bodies, DTDs).
 */
export function parseXml(xml: string): XmlElement | undefined {
  // Security: SOAP forbids DTDs; refusing them rules out entity-expansion attacks.
  if (/<!DOCTYPE/i.test(xml)) return undefined;
  return scanXml(xml);
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
  // A loop, not childElements(...)[0]: rows call this several times per object (issue 17).
  for (const c of element.children) if (c.local === local && (ns === undefined || c.ns === ns)) return c;
  return undefined;
}

/** Text of the first child named `local`, or undefined when there is no such child. */
export function childText(element: XmlElement, local: string): string | undefined {
  return childElement(element, local)?.text;
}

/** The local part of a QName value such as `xsd:string` or `InvalidLogin`. */
export function qnameLocal(value: string): string {
  return value.slice(value.indexOf(':') + 1);
}
