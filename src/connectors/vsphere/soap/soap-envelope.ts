import type { ManagedObjectRef } from './managed-object-ref.js';

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/**
 * Escapes text for use in XML character data or a quoted attribute. Every value that
 * reaches an envelope goes through here: a password with `<` or `&` must log in, not
 * break (or inject into) the request.
 */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => XML_ESCAPES[c]!);
}

/** `<name>text</name>` with the text escaped; `name` must be a literal element name. */
export function xmlElement(name: string, text: string): string {
  return `<${name}>${escapeXml(text)}</${name}>`;
}

/** A MoRef parameter: `<name type="Type">value</name>`, both parts escaped. */
export function moRefElement(name: string, ref: ManagedObjectRef): string {
  return `<${name} type="${escapeXml(ref.type)}">${escapeXml(ref.value)}</${name}>`;
}

/**
 * A complete vim25 request. `paramsXml` is the already-escaped parameters in WSDL order
 * (build it with xmlElement / moRefElement); `_this` always comes first.
 */
export function buildSoapEnvelope(method: string, thisRef: ManagedObjectRef, paramsXml = ''): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(method)) throw new TypeError(`not a vim25 method name: ${method}`);
  return (
    '<?xml version="1.0" encoding="UTF-8"?>' +
    '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"' +
    ' xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
    `<soapenv:Body><${method} xmlns="urn:vim25">${moRefElement('_this', thisRef)}${paramsXml}</${method}></soapenv:Body>` +
    '</soapenv:Envelope>'
  );
}
