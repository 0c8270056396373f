import { parseMoRef, type ManagedObjectRef } from '../soap/managed-object-ref.js';
import { childElement, childElements, childText, type XmlElement } from '../soap/soap-xml.js';
import { parsePropertyValue, setOwnField, type PropertyValue } from './property-value.js';

/**
 * One object from the PropertyCollector: the properties that are set, converted by
 * xsi:type. Unset properties are absent from `props` (vim25 leaves them out, and vcsim's
 * `<propSet>` without `<val>` means the same); paths the server could not read are in `missing`.
 */
export interface ObjectContent {
  readonly ref: ManagedObjectRef;
  readonly props: Record<string, PropertyValue>;
  readonly missing: string[];
}

/** A RetrieveResult: one page of objects and the token for the next page, if any. */
export interface RetrievePage {
  readonly objects: ObjectContent[];
  readonly token: string | undefined;
}

/**
 * Reads a `RetrievePropertiesExResponse` or `ContinueRetrievePropertiesExResponse` from its
 * tree. An absent `returnval` (vCenter) and an empty one (vcsim) both mean "no objects".
 * `objects`: rows already read from the same answer (retrieveResultReader); the tree's
 * are added after them.
 */
export function parseRetrieveResult(response: XmlElement, objects: ObjectContent[] = []): RetrievePage {
  const result = childElement(response, 'returnval');
  if (!result) return { objects, token: undefined };
  for (const element of childElements(result, 'objects')) {
    const o = objectContent(element);
    if (o) objects.push(o);
  }
  const token = childText(result, 'token');
  return { objects, token: token === '' ? undefined : token };
}

/** One `<objects>` element as an ObjectContent; undefined without a usable `obj`. */
export function objectContent(element: XmlElement): ObjectContent | undefined {
  const ref = parseMoRef(childElement(element, 'obj'));
  if (!ref) return undefined;
  const props: Record<string, PropertyValue> = {};
  const missing: string[] = [];
  for (const child of element.children) {
    if (child.local === 'propSet') {
      const name = childText(child, 'name');
      const val = childElement(child, 'val');
      if (name !== undefined && val !== undefined) setOwnField(props, name, parsePropertyValue(val));
    } else if (child.local === 'missingSet') {
      const path = childText(child, 'path');
      if (path !== undefined) missing.push(path);
    }
  }
  return { ref, props, missing };
}
