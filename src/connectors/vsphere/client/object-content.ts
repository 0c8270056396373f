import { parseMoRef, type ManagedObjectRef } from '../session/managed-object-ref.js';
import { childElement, childElements, childText, type XmlElement } from '../session/soap-xml.js';
import { parsePropertyValue, type PropertyValue } from './property-value.js';

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
 * Reads a `RetrievePropertiesExResponse` or `ContinueRetrievePropertiesExResponse`. An
 * absent `returnval` (vCenter) and an empty one (vcsim) both mean "no objects".
 */
export function parseRetrieveResult(response: XmlElement): RetrievePage {
  const result = childElement(response, 'returnval');
  if (!result) return { objects: [], token: undefined };
  const objects: ObjectContent[] = [];
  for (const element of childElements(result, 'objects')) {
    const ref = parseMoRef(childElement(element, 'obj'));
    if (!ref) continue;
    const props: Record<string, PropertyValue> = {};
    for (const prop of childElements(element, 'propSet')) {
      const name = childText(prop, 'name');
      const val = childElement(prop, 'val');
      if (name !== undefined && val !== undefined) props[name] = parsePropertyValue(val);
    }
    const missing = childElements(element, 'missingSet').flatMap((m) => childText(m, 'path') ?? []);
    objects.push({ ref, props, missing });
  }
  const token = childText(result, 'token');
  return { objects, token: token === '' ? undefined : token };
}
