import type { ManagedObjectRef } from '../soap/managed-object-ref.js';

/**
 * Objects the streaming readers keep (rows, their `props` records and refs, updates and
 * their changes), made without a V8 allocation site (issue 17).
 *
 * An object or array literal (`{}`, `{ a, b }`, `[]`) records where it was made; when nearly
 * everything one literal makes survives the young generation, as every row of a page does,
 * V8 switches that literal to allocating in the old generation and throws away every
 * optimised function that inlined it. In a one-shot's cold parse that came in the middle of
 * the page: the scanner, its closeElement and the readers' open, close and value were each
 * compiled twice (`--trace-deopt`: "code dependencies", `--trace-pretenuring-statistics`: the
 * rows' literals going "maybe tenure => tenure"), ~40 ms of CPU per one-shot. Objects made
 * by `Object.create` and arrays by `Array.of` carry no such record, so V8 never changes its
 * mind about them. They are ordinary plain objects and arrays (prototype Object.prototype and
 * Array.prototype), equal to the literals they replace.
 */
export function keptRecord<T extends object>(): T {
  return Object.create(Object.prototype) as T;
}

/** An empty array that a reader keeps (see keptRecord). */
export function keptList<T>(): T[] {
  return Array.of<T>();
}

/** A MoRef that a reader keeps (see keptRecord). */
export function keptMoRef(type: string, value: string): ManagedObjectRef {
  const ref = keptRecord<{ type: string; value: string }>();
  ref.type = type;
  ref.value = value;
  return ref;
}
