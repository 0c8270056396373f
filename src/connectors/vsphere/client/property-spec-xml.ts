import type { ManagedObjectRef } from '../soap/managed-object-ref.js';
import { moRefElement, xmlElement } from '../soap/soap-envelope.js';

/** Property paths are dotted identifiers; anything else is refused before it reaches XML. */
const PATH = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

/**
 * `propSet` entries for each type. Paths are validated here because vcsim reports a bad
 * path per object while real vCenter may fault the whole call (reference §4).
 *
 * @throws TypeError for a path that is not a dotted identifier (a programming error).
 */
export function propSetXml(types: readonly string[], paths: readonly string[]): string {
  for (const p of paths) if (!PATH.test(p)) throw new TypeError(`not a vim25 property path: ${p}`);
  const pathSet = paths.map((p) => xmlElement('pathSet', p)).join('');
  return types.map((t) => `<propSet>${xmlElement('type', t)}<all>false</all>${pathSet}</propSet>`).join('');
}

/**
 * A specSet that walks a ContainerView (`skip` leaves the view itself out): `paths` of each
 * of `types`, or `pathsOf[type]` for a type named there.
 */
export function containerViewSpecXml(view: ManagedObjectRef, types: readonly string[], paths: readonly string[], pathsOf: Readonly<Record<string, readonly string[]>> = {}): string {
  return `<specSet>${containerViewSpecBody(view, types, paths, pathsOf)}</specSet>`;
}

/** The content of a PropertyFilterSpec over a ContainerView: as a `specSet`, or a CreateFilter `spec`. */
export function containerViewSpecBody(view: ManagedObjectRef, types: readonly string[], paths: readonly string[], pathsOf: Readonly<Record<string, readonly string[]>> = {}): string {
  const propSets = types.map((t) => propSetXml([t], Object.hasOwn(pathsOf, t) ? pathsOf[t]! : paths)).join('');
  return (
    `${propSets}<objectSet>${moRefElement('obj', view)}<skip>true</skip>` +
    // Without xsi:type the server reads a plain SelectionSpec and faults (reference §4).
    '<selectSet xsi:type="TraversalSpec"><name>tsView</name><type>ContainerView</type><path>view</path><skip>false</skip></selectSet>' +
    '</objectSet>'
  );
}

/** A specSet for known objects; missing ones are reported instead of faulting the call. */
export function objectsSpecXml(refs: readonly ManagedObjectRef[], paths: readonly string[]): string {
  const types = [...new Set(refs.map((r) => r.type))];
  const objectSet = refs.map((r) => `<objectSet>${moRefElement('obj', r)}<skip>false</skip></objectSet>`).join('');
  return `<specSet>${propSetXml(types, paths)}${objectSet}<reportMissingObjectsInResults>true</reportMissingObjectsInResults></specSet>`;
}

/** RetrieveOptions; `maxObjects` ≤ 0 is illegal in the API, so it is left out then. */
export function retrieveOptionsXml(maxObjects: number | undefined): string {
  return maxObjects !== undefined && maxObjects > 0 ? `<options><maxObjects>${Math.floor(maxObjects)}</maxObjects></options>` : '<options/>';
}
