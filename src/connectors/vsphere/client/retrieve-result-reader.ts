import type { XmlAttribute, XmlElement } from '../soap/soap-xml.js';
import { detachString, type XmlEventSink, type XmlScanHooks } from '../soap/xml-scanner.js';
import type { ManagedObjectRef } from '../soap/managed-object-ref.js';
import { FirstReturnval } from './first-returnval.js';
import { keptList, keptMoRef, keptRecord } from './kept-objects.js';
import { parseRetrieveResult, type ObjectContent, type RetrievePage } from './object-content.js';
import { setOwnField, type PropertyValue } from './property-value.js';
import { ValTreeBuilder } from './val-tree-builder.js';

/** Depth of `<objects>` in a RetrieveResult envelope: Envelope 0, Body 1, …Response 2, returnval 3. */
const OBJECTS_DEPTH = 4;

/** The streaming reader of one RetrievePropertiesEx / ContinueRetrievePropertiesEx answer. */
export interface RetrieveResultReader {
  /** Pass to the SOAP call (SoapCallOptions.capture): each `<objects>` becomes a row as it arrives. */
  readonly capture: NonNullable<XmlScanHooks['capture']>;
  /**
   * The page, once the call succeeded: the rows read so far, any `<objects>` still in the
   * response tree (none when `capture` saw the answer), and the token.
   */
  result(response: XmlElement): RetrievePage;
}

/**
 * Reads a RetrieveResult as it arrives, building each ObjectContent straight from the
 * scanner's tag events (issue 17): no element object per tag, only a small tree for a
 * `<val>` that has child elements (data objects, arrays). The rows equal what
 * parseRetrieveResult makes of the same answer (a differential test checks it on generated
 * answers), and the strings they keep are copies, so they do not pin the response's pieces.
 */
export function retrieveResultReader(): RetrieveResultReader {
  const objects: ObjectContent[] = [];
  const names = new Map<string, string>();
  let sink: ObjectsSink | undefined;
  // Security: rows only from the `<objects>` of the first returnval (FirstReturnval, D94).
  const returnval = new FirstReturnval();
  return {
    capture: (ns, local, _attributes, depth) => {
      if (returnval.enter(ns, local, depth) && depth === OBJECTS_DEPTH && local === 'objects') {
        sink ??= new ObjectsSink((o) => objects.push(o), names);
        return sink;
      }
      return undefined;
    },
    result: (response) => parseRetrieveResult(response, objects),
  };
}

/** What an `<objects>` child being read is. */
const OTHER = 0;
const OBJ = 1;
const PROP_SET = 2;
const MISSING_SET = 3;

/**
 * Turns the events of one `<objects>` at a time into ObjectContent (reused for every
 * `<objects>` of the answer). Depth is relative: `<objects>` is 0, obj/propSet/missingSet 1,
 * name/val/path 2, a value's inner elements 3 and more. Like parseRetrieveResult, it takes
 * the first `obj`, and in each propSet the first `name` and `val`, in missingSet the first
 * `path`, and only the direct text of each. The rows are made without allocation sites
 * (kept-objects.ts).
 */
class ObjectsSink extends ValTreeBuilder implements XmlEventSink {
  private depth = -1;
  private kind = OTHER;
  // The object.
  // Stryker disable next-line BooleanLiteral: set when each `<objects>` opens, before it is read.
  private objSeen = false;
  private refType: string | undefined;
  // Stryker disable next-line StringLiteral: read only with refType, which only an `<obj>` sets, whose close sets this.
  private refValue = '';
  private props: Record<string, PropertyValue> = keptRecord();
  private missing: string[] = keptList();
  // The current obj / propSet / missingSet child being read.
  /** Which depth-2 element's text is being collected: 'name', 'val', 'path' or none. */
  private field: 'name' | 'val' | 'path' | undefined;
  private name: string | undefined;
  private path: string | undefined;
  // Stryker disable next-line BooleanLiteral: set when each propSet opens, before it is read.
  private valSeen = false;
  private val: PropertyValue | undefined;
  /** The text of the obj, name or path being read (a `<val>`'s: ValTreeBuilder). */
  // Stryker disable next-line StringLiteral: emptied when each child of `<objects>` opens, before it is read.
  private collected = '';

  constructor(
    private readonly emit: (o: ObjectContent) => void,
    names: Map<string, string>,
  ) {
    super(names);
  }

  open(ns: string, local: string, attributes: readonly XmlAttribute[]): void {
    const depth = ++this.depth;
    if (depth === 0) {
      this.objSeen = false;
      this.refType = undefined;
      this.props = keptRecord();
      this.missing = keptList();
      return;
    }
    if (depth === 1) {
      this.kind = OTHER;
      this.collected = '';
      if (local === 'obj') {
        if (this.objSeen) return;
        this.objSeen = true;
        this.kind = OBJ;
        this.refType = this.objRefType(attributes);
      } else if (local === 'propSet') {
        this.kind = PROP_SET;
        this.name = undefined;
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
      if (this.kind === PROP_SET) {
        if (local === 'name' && this.name === undefined) this.field = 'name';
        else if (local === 'val' && !this.valSeen) {
          this.field = 'val';
          this.valSeen = true;
          this.beginVal(ns, local, attributes);
        }
      } else if (this.kind === MISSING_SET && local === 'path' && this.path === undefined) this.field = 'path';
      if (this.field !== undefined) this.collected = '';
      return;
    }
    // An element inside the value: the value is a data object or an array.
    if (this.field === 'val') this.openInVal(ns, local, attributes, depth - 2);
  }

  text(text: string): void {
    const depth = this.depth;
    // Direct text of any child of `<objects>`: only an obj's is kept (a field's starts afresh at its open).
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
      else if (this.field === 'path') this.path = detachString(this.collected);
      else if (this.field === 'val') this.val = this.valValue();
      this.field = undefined;
      return;
    }
    if (depth === 1) {
      if (this.kind === OBJ) this.refValue = detachString(this.collected);
      else if (this.kind === PROP_SET && this.name !== undefined && this.val !== undefined) setOwnField(this.props, this.name, this.val);
      else if (this.kind === MISSING_SET && this.path !== undefined) this.missing.push(this.path);
      this.kind = OTHER;
      return;
    }
    if (depth === 0 && this.refType && this.refValue) {
      const row = keptRecord<{ ref: ManagedObjectRef; props: Record<string, PropertyValue>; missing: string[] }>();
      row.ref = keptMoRef(this.refType, this.refValue);
      row.props = this.props;
      row.missing = this.missing;
      this.emit(row);
    }
  }
}
