import type { ManagedObjectRef } from '../soap/managed-object-ref.js';
import { childElement, childText, type XmlAttribute, type XmlElement } from '../soap/soap-xml.js';
import { detachString, type XmlEventSink, type XmlScanHooks } from '../soap/xml-scanner.js';
import { FirstReturnval } from './first-returnval.js';
import { keptList, keptMoRef, keptRecord } from './kept-objects.js';
import type { PropertyValue } from './property-value.js';
import { ValTreeBuilder } from './val-tree-builder.js';

/** One PropertyChange of an ObjectUpdate: `op` is add, remove, assign or indirectRemove. */
export interface PropertyChange {
  readonly name: string;
  readonly op: string;
  /** The new value; absent for a removal, and for an assign that unsets the property. */
  readonly val?: PropertyValue;
}

/** One ObjectUpdate of an UpdateSet: `kind` is enter, modify or leave. */
export interface ObjectUpdate {
  readonly kind: string;
  readonly ref: ManagedObjectRef;
  readonly changes: readonly PropertyChange[];
  /** Paths the server could not read for this object (MissingProperty). */
  readonly missing: readonly string[];
}

/** One WaitForUpdatesEx answer. */
export interface UpdateSetPage {
  /** The version to pass next; undefined when the server had nothing (no `returnval`). */
  readonly version: string | undefined;
  /** More updates are waiting: call again at once with `version`. */
  readonly truncated: boolean;
  readonly updates: ObjectUpdate[];
}

/** The streaming reader of one WaitForUpdatesEx answer (as retrieveResultReader is for RetrievePropertiesEx). */
export interface UpdateSetReader {
  /** Pass to the SOAP call (SoapCallOptions.capture): each `<objectSet>` becomes an ObjectUpdate as it arrives. */
  readonly capture: NonNullable<XmlScanHooks['capture']>;
  /** The page, once the call succeeded: the updates read, the version and `truncated` from the tree. */
  result(response: XmlElement): UpdateSetPage;
}

/** Depth of `<objectSet>`: Envelope 0, Body 1, WaitForUpdatesExResponse 2, returnval 3, filterSet 4. */
const OBJECT_SET_DEPTH = 5;

/**
 * Reads an UpdateSet as it arrives (issue 17, the kept inventory): each `<objectSet>` of a
 * `<filterSet>` becomes an ObjectUpdate straight from the scanner's tag events, so a first
 * answer of 5,000 VMs is never held as XML. The version and `truncated` stay in the tree.
 * With `onUpdate`, each update goes there as it is read (and `result` has none): it is not
 * held either. Security: what `onUpdate` builds must be discarded unless the call succeeds.
 */
export function updateSetReader(onUpdate?: (u: ObjectUpdate) => void): UpdateSetReader {
  const updates: ObjectUpdate[] = [];
  const emit = onUpdate ?? ((u: ObjectUpdate) => void updates.push(u));
  const names = new Map<string, string>();
  let sink: ObjectUpdateSink | undefined;
  // Security: updates only from the filterSets of the first returnval (FirstReturnval), as
  // retrieveResultReader takes rows (D94).
  const returnval = new FirstReturnval();
  // Stryker disable next-line BooleanLiteral: set at depth 4 before depth 5 reads it.
  let inFilterSet = false;
  return {
    capture: (ns, local, _attributes, depth) => {
      if (!returnval.enter(ns, local, depth)) return undefined;
      if (depth === 4) inFilterSet = local === 'filterSet';
      else if (depth === OBJECT_SET_DEPTH && inFilterSet && local === 'objectSet') {
        sink ??= new ObjectUpdateSink(emit, names);
        return sink;
      }
      return undefined;
    },
    result: (response) => {
      const returnval = childElement(response, 'returnval');
      if (!returnval) return { version: undefined, truncated: false, updates };
      return { version: childText(returnval, 'version') ?? '', truncated: childText(returnval, 'truncated') === 'true', updates };
    },
  };
}

const OTHER = 0;
const KIND = 1;
const OBJ = 2;
const CHANGE_SET = 3;
const MISSING_SET = 4;

/**
 * Turns the events of one `<objectSet>` at a time into an ObjectUpdate. Depth is relative:
 * `<objectSet>` 0; kind, obj, changeSet, missingSet 1; name, op, val, path 2; a value's inner
 * elements 3 and more. As retrieveResultReader's sink: the first `obj`, `kind`, and in each
 * changeSet the first `name`, `op` and `val`, direct text only; the same ValTreeBuilder for
 * values, and updates made without allocation sites (kept-objects.ts).
 */
class ObjectUpdateSink extends ValTreeBuilder implements XmlEventSink {
  private depth = -1;
  private kind = OTHER;
  private updateKind: string | undefined;
  // Stryker disable next-line BooleanLiteral: set when each `<objectSet>` opens, before it is read.
  private objSeen = false;
  private refType: string | undefined;
  // Stryker disable next-line StringLiteral: read only with refType, which only an `<obj>` sets, whose close sets this.
  private refValue = '';
  private changes: PropertyChange[] = keptList();
  private missing: string[] = keptList();
  private field: 'name' | 'op' | 'val' | 'path' | undefined;
  private name: string | undefined;
  private op: string | undefined;
  private path: string | undefined;
  // Stryker disable next-line BooleanLiteral: set when each changeSet opens, before it is read.
  private valSeen = false;
  private val: PropertyValue | undefined;
  /** The text of the kind, obj, name, op or path being read (a `<val>`'s: ValTreeBuilder). */
  // Stryker disable next-line StringLiteral: emptied when each child of `<objectSet>` opens, before it is read.
  private collected = '';

  constructor(
    private readonly emit: (u: ObjectUpdate) => void,
    names: Map<string, string>,
  ) {
    super(names);
  }

  open(ns: string, local: string, attributes: readonly XmlAttribute[]): void {
    const depth = ++this.depth;
    if (depth === 0) {
      this.updateKind = undefined;
      this.objSeen = false;
      this.refType = undefined;
      this.changes = keptList();
      this.missing = keptList();
      return;
    }
    if (depth === 1) {
      this.kind = OTHER;
      this.collected = '';
      if (local === 'kind' && this.updateKind === undefined) this.kind = KIND;
      else if (local === 'obj') {
        if (this.objSeen) return;
        this.objSeen = true;
        this.kind = OBJ;
        this.refType = this.objRefType(attributes);
      } else if (local === 'changeSet') {
        this.kind = CHANGE_SET;
        this.name = undefined;
        this.op = undefined;
        this.valSeen = false;
        this.val = undefined;
      } else if (local === 'missingSet') {
        this.kind = MISSING_SET;
        this.path = undefined;
      }
      return;
    }
    if (depth === 2) {
      this.field = undefined;
      if (this.kind === CHANGE_SET) {
        if (local === 'name' && this.name === undefined) this.field = 'name';
        else if (local === 'op' && this.op === undefined) this.field = 'op';
        else if (local === 'val' && !this.valSeen) {
          this.field = 'val';
          this.valSeen = true;
          this.beginVal(ns, local, attributes);
        }
      } else if (this.kind === MISSING_SET && local === 'path' && this.path === undefined) this.field = 'path';
      if (this.field !== undefined) this.collected = '';
      return;
    }
    if (this.field === 'val') this.openInVal(ns, local, attributes, depth - 2);
  }

  text(text: string): void {
    const depth = this.depth;
    // Direct text of any child of `<objectSet>`: only a kind's and an obj's are kept (a field's starts afresh at its open).
    if (depth === 1) this.collected += text;
    else if (depth === 2) {
      if (this.field === 'val') this.textInVal(text, 0);
      else if (this.field !== undefined) this.collected += text;
    } else {
      // Stryker disable next-line ConditionalExpression: `field` is 'val' only inside a value (cleared when its depth-2 element closes); text elsewhere would go to the scratch valText, which beginVal empties before it is read.
      if (this.field === 'val') this.textInVal(text, depth - 2);
    }
  }

  close(): void {
    const depth = this.depth--;
    if (depth === 2) {
      if (this.field === 'name') this.name = this.shared(this.collected);
      else if (this.field === 'op') this.op = this.shared(this.collected);
      else if (this.field === 'path') this.path = detachString(this.collected);
      else if (this.field === 'val') this.val = this.valValue();
      this.field = undefined;
      return;
    }
    if (depth === 1) {
      if (this.kind === OBJ) this.refValue = detachString(this.collected);
      else if (this.kind === KIND) this.updateKind = this.shared(this.collected);
      else if (this.kind === CHANGE_SET && this.name !== undefined) {
        // No `op` means assign (the WSDL requires it; be lenient as vcsim is).
        const change = keptRecord<{ name: string; op: string; val?: PropertyValue }>();
        change.name = this.name;
        change.op = this.op ?? 'assign';
        if (this.val !== undefined) change.val = this.val;
        this.changes.push(change);
      } else if (this.kind === MISSING_SET && this.path !== undefined) this.missing.push(this.path);
      this.kind = OTHER;
      return;
    }
    if (depth === 0 && this.refType && this.refValue && this.updateKind !== undefined) {
      const update = keptRecord<{ kind: string; ref: ManagedObjectRef; changes: PropertyChange[]; missing: string[] }>();
      update.kind = this.updateKind;
      update.ref = keptMoRef(this.refType, this.refValue);
      update.changes = this.changes;
      update.missing = this.missing;
      this.emit(update);
    }
  }
}
