import { parseMoRef, type ManagedObjectRef } from '../soap/managed-object-ref.js';
import { attributeValue, qnameLocal, XML_NS, type XmlAttribute, type XmlElement } from '../soap/soap-xml.js';
import { keptMoRef } from './kept-objects.js';

/** A converted vim25 value: scalars, MoRefs, arrays and data objects as plain records. */
export type PropertyValue = string | number | boolean | ManagedObjectRef | PropertyValue[] | { [field: string]: PropertyValue };

const NUMERIC = new Set(['int', 'long', 'short', 'byte', 'float', 'double']);

/**
 * Converts one `<val>` (or any typed element) by its xsi:type (reference §1, "Parsing
 * responses"). The type attribute is matched by namespace URI, never by prefix: vcsim
 * writes `XMLSchema-instance:type`, vCenter `xsi:type`. A MoRef carries a second,
 * unqualified `type` attribute that names the managed object type, so the two are kept
 * apart. `ArrayOf…` values always become arrays, even with one element.
 *
 * Nested fields of data objects usually carry no xsi:type; their scalars stay strings
 * unless the array element type says otherwise, and a field that repeats becomes an
 * array (use asArray when a field may hold one or many). A data object with an xsi:type
 * (faults, events) records it in the field `_type`.
 */
export function parsePropertyValue(element: XmlElement, hint?: string): PropertyValue {
  if (element.children.length === 0) return parseLeafValue(element.attributes, element.text, hint);
  const xsiType = attributeValue(element, XML_NS.xsi, 'type');
  const type = xsiType !== undefined ? qnameLocal(xsiType) : hint;
  if (type === 'ManagedObjectReference') return parseMoRef(element) ?? element.text;
  if (type !== undefined && type.startsWith('ArrayOf')) {
    const itemType = arrayItemType(type.slice('ArrayOf'.length));
    return element.children.map((child) => parsePropertyValue(child, itemType));
  }
  return parseDataObject(element, xsiType !== undefined ? type : undefined);
}

/**
 * parsePropertyValue for an element without child elements, from its attributes and text:
 * the streaming RetrieveResult reader converts most `<val>`s this way without building an
 * element for them (issue 17).
 */
export function parseLeafValue(attributes: readonly XmlAttribute[], text: string, hint?: string): PropertyValue {
  let xsiType: string | undefined;
  let refType: string | undefined;
  for (const a of attributes) {
    if (a.local !== 'type') continue;
    if (a.ns === XML_NS.xsi) xsiType ??= a.value;
    else if (a.ns === '') refType ??= a.value;
  }
  const type = xsiType !== undefined ? qnameLocal(xsiType) : hint;
  // A MoRef: `type` names the managed object type, the text is its id (parseMoRef).
  if (type === 'ManagedObjectReference' || (type === undefined && refType !== undefined)) return refType && text ? keptMoRef(refType, text) : text;
  if (type !== undefined && type.startsWith('ArrayOf')) return [];
  return parseScalar(text, type);
}

/** One value or many as an array: for nested fields that repeat only when there are several. */
export function asArray<T>(value: T | T[] | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

/**
 * A property that must be text (a name, a power state): the string, or undefined for anything
 * else, as for an unset one (the caller's default applies). Security: never String() or a
 * template literal on a value from the upstream: a data object with a field named `toString`
 * (D95 keeps any field name) makes String() throw a TypeError, and calling whatever an
 * upstream value holds is not ours to do (D126).
 */
export function propertyText(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/**
 * A property that is a scalar (text, a number, true or false) as it is, or undefined for
 * anything else (a data object, a list, a MoRef), as for an unset one: what may go through
 * String() or Number() (see propertyText; D126).
 */
export function propertyScalar(value: PropertyValue | undefined): string | number | boolean | undefined {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? value : undefined;
}

/** True when `value` is a MoRef as produced by parsePropertyValue. */
export function isMoRef(value: unknown): value is ManagedObjectRef {
  const v = value as ManagedObjectRef | null;
  return typeof v === 'object' && v !== null && !Array.isArray(v) && typeof v.type === 'string' && typeof v.value === 'string' && Object.keys(v).length === 2;
}

/**
 * Set `record[key] = value` as an own, enumerable property whatever the key.
 * Security: names come from the upstream's XML (a propSet's `<name>`, a data object's field
 * elements); `out['__proto__'] = v` would replace the record's prototype with an
 * upstream-chosen value, so that key is defined, not assigned.
 */
export function setOwnField(record: Record<string, PropertyValue>, key: string, value: PropertyValue): void {
  if (key === '__proto__') Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
  else record[key] = value;
}

// A data object that names its own type (a fault, an event) keeps it as `_type`.
// Fields are looked up as own properties only: `toString` or `constructor` as a field name
// must not find Object.prototype's and become a two-element array.

function parseDataObject(element: XmlElement, type: string | undefined): { [field: string]: PropertyValue } {
  const out: { [field: string]: PropertyValue } = type !== undefined ? { _type: type } : {};
  // Fields seen more than once; a field whose single value is itself an array stays apart.
  const repeated = new Set<string>();
  for (const child of element.children) {
    const value = parsePropertyValue(child);
    const existing = Object.hasOwn(out, child.local) ? out[child.local] : undefined;
    if (existing === undefined) setOwnField(out, child.local, value);
    else if (repeated.has(child.local)) (existing as PropertyValue[]).push(value);
    else {
      setOwnField(out, child.local, [existing, value]);
      repeated.add(child.local);
    }
  }
  return out;
}

function arrayItemType(item: string): string {
  // ArrayOfString / ArrayOfInt name the XSD type capitalised; others are vim25 type names.
  const lower = item.charAt(0).toLowerCase() + item.slice(1);
  return lower === 'string' || lower === 'boolean' || NUMERIC.has(lower) ? lower : item;
}

function parseScalar(text: string, type: string | undefined): PropertyValue {
  if (type !== undefined && NUMERIC.has(type)) {
    const n = Number(text);
    return Number.isFinite(n) ? n : text;
  }
  if (type === 'boolean') return text === 'true' || text === '1';
  return text;
}
