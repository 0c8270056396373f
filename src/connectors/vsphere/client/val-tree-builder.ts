import type { XmlAttribute } from '../soap/soap-xml.js';
import { detachString } from '../soap/xml-scanner.js';
import { parseLeafValue, parsePropertyValue, type PropertyValue } from './property-value.js';

/** A `<val>` element with children, built as a small tree (parsePropertyValue reads it). */
interface ValElement {
  readonly ns: string;
  readonly local: string;
  readonly attributes: readonly XmlAttribute[];
  children: ValElement[];
  text: string;
}

/**
 * Builds the value of each `<val>` from the scanner's tag events, for the streaming readers:
 * the base class of retrieveResultReader's sink (propSet values) and updateSetReader's
 * (changeSet values), so both build values with the same code, which V8 compiles once. A
 * base class rather than a member object: a cold parse with the builder as a second object
 * measured a few ms more (docs/PERFORMANCE.md §2, round 5).
 *
 * A `<val>` without child elements (every path the listings read) is converted from its
 * attributes and text (parseLeafValue) without building anything; one with children (data
 * objects, arrays) becomes a small tree for parsePropertyValue. The result equals
 * parsePropertyValue on the tree path's element, and the strings it keeps are copies
 * (detachString), so values do not pin the response's pieces.
 *
 * Depth is relative to the `<val>`: 0 is the `<val>` itself, 1 its child elements, and so on.
 */
export abstract class ValTreeBuilder {
  // The four below are set by beginVal before anything reads them.
  // Stryker disable next-line StringLiteral: set by beginVal before it is read.
  private valNs = '';
  // Stryker disable next-line StringLiteral: set by beginVal before it is read.
  private valLocal = '';
  // Stryker disable next-line ArrayDeclaration: set by beginVal before it is read.
  private valAttributes: readonly XmlAttribute[] = [];
  /** The `<val>`'s own text while it has no child element. */
  // Stryker disable next-line StringLiteral: set by beginVal before it is read.
  private valText = '';
  /** The open elements of a `<val>` with children, by depth; empty while it is a leaf. */
  private readonly valStack: ValElement[] = [];

  /** @param names the reader's one copy of each repeated name (shared). */
  constructor(private readonly names: Map<string, string>) {}

  /** A `<val>` opens: start a new value. */
  protected beginVal(ns: string, local: string, attributes: readonly XmlAttribute[]): void {
    this.valNs = ns;
    this.valLocal = local;
    this.valAttributes = attributes;
    this.valText = '';
  }

  /** An element opens inside the value, `depth` (1 or more) below the `<val>`. */
  protected openInVal(ns: string, local: string, attributes: readonly XmlAttribute[], depth: number): void {
    const stack = this.valStack;
    // The first child element: the value is a data object or an array; build its tree.
    stack[0] ??= { ns: this.valNs, local: this.valLocal, attributes: ownAttributes(this.valAttributes), children: [], text: detachString(this.valText) };
    // Deeper than a closed sibling's subtree: the stack holds depths 0..depth-1.
    const element: ValElement = { ns, local, attributes: ownAttributes(attributes), children: [], text: '' };
    stack[depth - 1]!.children.push(element);
    stack[depth] = element;
    stack.length = depth + 1;
  }

  /** Character data directly inside the element open at `depth` (0: the `<val>`'s own). */
  protected textInVal(text: string, depth: number): void {
    if (this.valStack.length > 0) this.valStack[depth]!.text += detachString(text);
    else this.valText += text;
  }

  /** The `<val>` closed: its value, converted as parsePropertyValue would. */
  protected valValue(): PropertyValue {
    const stack = this.valStack;
    if (stack.length === 0) {
      const value = parseLeafValue(this.valAttributes, detachString(this.valText));
      // A MoRef's type is an attribute value: one shared copy, not a slice of the piece.
      if (typeof value === 'object' && !Array.isArray(value)) (value as { type: string }).type = this.shared(value['type'] as string);
      return value;
    }
    const root = stack[0]!;
    stack.length = 0;
    return parsePropertyValue(root);
  }

  /**
   * The MoRef type of an `<obj>`: its unqualified `type` attribute, the first one as
   * attributeValue takes it (parseMoRef's), as the shared copy; undefined without one.
   */
  protected objRefType(attributes: readonly XmlAttribute[]): string | undefined {
    for (const a of attributes) if (a.ns === '' && a.local === 'type') return this.shared(a.value);
    return undefined;
  }

  /** Property, type and op names repeat in every object: one copy of each. */
  protected shared(text: string): string {
    let own = this.names.get(text);
    // Stryker disable next-line ConditionalExpression: a fresh copy of the same text each time; only memory differs.
    if (own === undefined) {
      own = detachString(text);
      this.names.set(own, own);
    }
    return own;
  }
}

/** Attributes whose values do not pin the piece they were read from (values a tree keeps). */
function ownAttributes(attributes: readonly XmlAttribute[]): readonly XmlAttribute[] {
  // Stryker disable next-line ConditionalExpression,EqualityOperator: mapping no attributes gives no attributes, and the list as read has the same values; only memory differs.
  return attributes.length === 0 ? attributes : attributes.map((a) => ({ ns: a.ns, local: a.local, value: detachString(a.value) }));
}
