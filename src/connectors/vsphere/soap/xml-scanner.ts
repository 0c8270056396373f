import type { XmlAttribute, XmlElement } from './soap-xml.js';

/** Namespace bound to the `xml` prefix by definition. */
const XML_PREFIX_NS = 'http://www.w3.org/XML/1998/namespace';
/** Namespace of the `xmlns` prefix by definition (never declared). */
const XMLNS_PREFIX_NS = 'http://www.w3.org/2000/xmlns/';
/**
 * A raw character XML 1.0 does not allow (its `Char` production): C0 controls other than
 * tab, LF and CR, and U+FFFE, U+FFFF (D125). Looked for only where the scanner already
 * looks at each character: text and attribute values (TEXT_SPECIAL, VALUE_SPECIAL, in the
 * test that was there for `&`), comments, PIs and CDATA; names (NAME) and the space in tags
 * (isSpace) allow none of them. A tag from the tag cache was checked when it was read. Lone
 * surrogates are not looked for: the body reaches the scanner through a TextDecoder, which
 * turns any invalid UTF-8 into U+FFFD, so none can arrive that way.
 */
// eslint-disable-next-line no-control-regex -- control characters are what it looks for
const RAW_NOT_CHAR = /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]/;
/** Text that needs a closer look: `&`, `]` (of a `]]>`), or a character RAW_NOT_CHAR refuses. */
// eslint-disable-next-line no-control-regex -- control characters are among what it looks for
const TEXT_SPECIAL = /[&\]\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]/;
/** An attribute value that needs a closer look: `&` or a character RAW_NOT_CHAR refuses. */
// eslint-disable-next-line no-control-regex -- control characters are among what it looks for
const VALUE_SPECIAL = /[&\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]/;
/** An XML name, ASCII or not, with at most one colon (namespaces in XML); no U+FFFE or U+FFFF. */
const NAME = /^[A-Za-z_\u00C0-\uFFFD][\w.\-\u00B7\u00C0-\uFFFD]*(?::[A-Za-z_\u00C0-\uFFFD][\w.\-\u00B7\u00C0-\uFFFD]*)?$/;
/**
 * Text outside the root element: XML's four whitespace characters only (JavaScript's `\s`
 * also takes U+00A0, U+2028, U+FEFF and the like).
 */
const XML_SPACE = /^[ \t\r\n]*$/;
/**
 * The five predefined entities. Security: a Map, not an object literal, whose lookup would
 * also find Object.prototype's members: `&constructor;` or `&toString;` from the upstream
 * decoded to a function's source instead of being refused as an unknown entity.
 */
const ENTITIES: ReadonlyMap<string, string> = new Map([['amp', '&'], ['lt', '<'], ['gt', '>'], ['quot', '"'], ['apos', "'"]]);

interface MutableElement {
  ns: string;
  local: string;
  attributes: readonly XmlAttribute[];
  /** NO_CHILDREN until the first child arrives: most elements are leaves. */
  children: MutableElement[];
  text: string;
}

/**
 * The one list shared by every element without attributes or children (frozen, so a
 * mistaken push throws instead of giving every leaf a child). Most elements of a vim25
 * answer are leaves without attributes; two fresh arrays each were a third of the scan's
 * garbage (issue 17).
 */
const NO_CHILDREN: MutableElement[] = Object.freeze([]) as unknown as MutableElement[];
const NO_ATTRIBUTES: readonly XmlAttribute[] = Object.freeze([]);

/** A checked element name split once: names repeat thousands of times in one answer. */
interface NameParts {
  readonly prefix: string;
  readonly local: string;
}

/** Namespace bindings as a chain: a declaration adds one link instead of copying a map. */
interface Scope {
  readonly prefix: string;
  readonly uri: string;
  readonly parent: Scope | undefined;
  /** Links from the root's to this one (at most MAX_BINDINGS_IN_SCOPE). */
  readonly length: number;
  /** The last link declared on top of this one, reused when the same declaration repeats. */
  next?: Scope;
}

/** Per-document state: names already checked (they repeat thousands of times; at most MAX_CACHED_NAMES). */
interface ScanState {
  readonly names: Map<string, NameParts>;
  /** Scratch lists for the attributes of the tag being read. */
  readonly attrNames: string[];
  readonly attrParts: NameParts[];
  readonly attrValues: string[];
  /**
   * Start tags already read, by their text between `<` and the first `>` (issue 17): vim25
   * answers repeat the same few tags thousands of times (vcsim's every `<val>` carries the
   * same namespace declaration and xsi:type, ~110 characters), and a tag's reading depends
   * only on that text and the scope it is read in. A hit costs one native hash and compare
   * instead of reading the tag character by character in JavaScript, which is slow before
   * V8 has optimised the scanner (a one-shot parses one page, cold). Only tags read without
   * error and ending at that first `>` are kept, so a hit is exactly what readStartTag would
   * give (strictness unchanged); at most MAX_CACHED_TAGS of at most MAX_CACHED_TAG_LENGTH.
   */
  readonly tags: Map<string, StartTag>;
}

/** What a streaming scan reports while the document arrives. */
export interface XmlScanHooks {
  /**
   * Called as each element closes (a self-closing one as it opens), with its depth (the root
   * is 0). Return true to consume it: it is then left out of its parent's children, so a
   * caller can turn a large response into rows one element at a time and drop the XML.
   * Security: the document may still turn out malformed or a fault; whatever the hook builds
   * must be discarded unless the scan (and the caller's envelope checks) succeed.
   */
  readonly onClose?: (element: XmlElement, depth: number) => boolean;
  /**
   * Called as each element below the root opens, with its depth. Return a sink to take that
   * element and everything inside it as events instead of a tree: no element object is built
   * for it, and it is left out of its parent's children (onClose does not see it either).
   * Rows can so be built straight from the tags (issue 17). Security: as for onClose, what
   * the sink builds counts only if the scan and the caller's envelope checks succeed.
   */
  readonly capture?: (ns: string, local: string, attributes: readonly XmlAttribute[], depth: number) => XmlEventSink | undefined;
}

/**
 * Receives a captured element as events, in document order: `open` for the element itself
 * and each element inside it, `text` for its character data (entities decoded, CDATA
 * included, possibly in several pieces), `close` for each end tag. The strings may be
 * slices of the scanner's input: copy those that are kept (detachString).
 */
export interface XmlEventSink {
  open(ns: string, local: string, attributes: readonly XmlAttribute[]): void;
  text(text: string): void;
  close(): void;
}

/**
 * What readStartTag found; one per scanner, overwritten by each tag (no object per tag), and
 * the frozen copies the tag cache keeps (ScanState.tags).
 */
interface StartTag {
  /** The scope the tag was read in (its parent's): the same text means the same tag only there. */
  parent: Scope;
  rawName: string;
  ns: string;
  local: string;
  attributes: readonly XmlAttribute[];
  scope: Scope;
  selfClosing: boolean;
  end: number;
}

/**
 * A strict, streaming, namespace-aware XML reader for SOAP responses: elements,
 * attributes, text, CDATA, comments and processing instructions. Feed it text as the body
 * arrives with write(); end() returns the tree, or undefined for anything that is not one
 * well-formed element tree. DTDs are refused outright (any `<!` that is not a comment or
 * CDATA), so there is no entity expansion beyond the five XML entities and character
 * references.
 *
 * Why not a general parser: a 5,000-VM page is ~5 MB of XML, and building fast-xml-parser's
 * ordered tree (after its validation pass) and then ours cost most of a listing's time and
 * garbage (issue 5 benchmark). This reader builds our tree directly with indexOf scans, and
 * (issue 17) runs while the body arrives, so parsing overlaps the network and, with
 * `onClose`, memory is bounded by one element rather than the document. It is checked
 * against fast-xml-parser on generated documents, whole and cut into random chunks
 * (test/…/xml-scanner.test.ts).
 */
export class XmlStreamScanner {
  /** The start of what waits for the next piece: text that may be cut, or a cut construct. */
  private pending = '';
  /**
   * Pieces that came after `pending` while its construct waits for its end (waitKind), kept
   * apart until that end arrives: joining and rescanning the whole at every piece cost the
   * square of the construct's length (R-review5b).
   */
  private readonly later: string[] = [];
  /** Length of `pending` and `later` together (the MAX_WAITING limit). */
  private waitingLength = 0;
  /** What the waiting construct ends with (WAIT_*), and the state of the search for it. */
  private waitKind = WAIT_ANY;
  private waitQuote = 0;
  /** The last (up to two) characters of the waiting construct searched: an end may be cut. */
  // Stryker disable next-line StringLiteral: wait() sets it before endsIn() reads it.
  private waitTail = '';
  /** Characters looked at so far (see charactersRead). */
  private looked = 0;
  private started = false;
  private failed = false;
  private root: MutableElement | undefined;
  /**
   * The open elements as parallel stacks (no frame object per element): raw name, scope,
   * and the element being built (undefined inside a captured subtree).
   */
  private readonly rawNames: string[] = [];
  private readonly scopes: Scope[] = [];
  private readonly elements: (MutableElement | undefined)[] = [];
  /** The sink of the captured subtree being read, and the depth of its top element. */
  private sink: XmlEventSink | undefined;
  /** Read only while `sink` is set, and set with it. */
  private sinkDepth = 0;
  private readonly rootScope: Scope = { prefix: 'xml', uri: XML_PREFIX_NS, parent: undefined, length: 1 };
  // Stryker disable next-line ArrayDeclaration: scratch lists, written up to `count` before they are read.
  private readonly state: ScanState = { names: new Map(), attrNames: [], attrParts: [], attrValues: [], tags: new Map() };
  // Stryker disable next-line ObjectLiteral,StringLiteral,BooleanLiteral: readStartTag sets every field before the tag is used.
  private readonly tag: StartTag = { parent: this.rootScope, rawName: '', ns: '', local: '', attributes: NO_ATTRIBUTES, scope: this.rootScope, selfClosing: false, end: 0 };

  constructor(private readonly hooks: XmlScanHooks = {}) {}

  /**
   * For tests (work, not time): characters this scanner has looked at, counting each piece
   * once as it arrives and every text scan() read, so a test can see that a construct fed in
   * small pieces is not read again at each piece.
   */
  get charactersRead(): number {
    return this.looked;
  }

  /** Feeds the next piece of the document; false once it is known to be malformed. */
  write(text: string): boolean {
    if (this.failed) return false;
    this.looked += text.length;
    if (this.waitKind !== WAIT_ANY) {
      // A cut construct waits: only the new piece is searched for its end.
      const ends = this.endsIn(text);
      this.later.push(text);
      this.waitingLength += text.length;
      if (!ends) return this.waitingLength > MAX_WAITING ? this.fail() : true;
      text = this.later.join('');
      this.later.length = 0;
      this.waitKind = WAIT_ANY;
    }
    let xml = this.pending + text;
    if (!this.started) {
      if (xml.length === 0) return true;
      this.started = true;
      if (xml.charCodeAt(0) === 0xfeff) xml = xml.slice(1);
    }
    let consumed = this.scan(xml, false);
    // Text ends this piece: take it, except an entity reference that may be cut (see scan).
    // Stryker disable next-line ConditionalExpression,EqualityOperator,BlockStatement: at the end charCodeAt is NaN and takeText takes nothing; the test only saves textEnd's search of the piece.
    if (consumed < xml.length) {
      if (consumed >= 0 && xml.charCodeAt(consumed) !== 0x3c /* < */) consumed = this.takeText(xml, consumed, textEnd(xml, consumed));
    }
    // A construct cut by the end of the piece waits for the next one, up to a limit (-1 stays -1).
    if (xml.length - consumed > MAX_WAITING) consumed = -1;
    if (consumed < 0) return this.fail();
    this.pending = xml.slice(consumed);
    // Stryker disable next-line ConditionalExpression,EqualityOperator: wait('') waits for nothing; the test keeps wait()'s first read in bounds (an out-of-bounds charCodeAt deoptimises).
    if (consumed < xml.length) this.wait(this.pending);
    return true;
  }

  /**
   * The document is complete (call once): its tree, or undefined when it is not one
   * well-formed tree. A construct still waiting found no end in the pieces after it (`later`,
   * endsIn): `pending`, its start, is refused as cut, as the whole would be.
   */
  end(): XmlElement | undefined {
    if (this.failed || this.scan(this.pending, true) < 0) return undefined;
    return this.rawNames.length === 0 ? this.root : undefined;
  }

  /**
   * Consumes whole constructs of `xml` and returns how far it got, or -1 when the document is
   * malformed. `final`: no more text will come. Otherwise what is left waits for more text:
   * from a `<` (a construct cut by the end of the piece), or text that ends the piece (write
   * takes that with takeText). write applies the limit on what may wait.
   *
   * Those ends of a piece return a value the loop already has, and nothing else: an operation
   * there that had never run when V8 optimised this loop (a call, arithmetic) made V8 throw the
   * optimised code away at the first piece that ended that way and compile the loop again,
   * 10–25 ms of CPU each time, in every one-shot's cold parse.
   */
  private scan(xml: string, final: boolean): number {
    const n = xml.length;
    this.looked += n;
    const rawNames = this.rawNames;
    let i = 0;
    // Stryker disable next-line EqualityOperator: one step past the end finds no `<` and returns i (= n) the same way.
    while (i < n) {
      const lt = xml.indexOf('<', i);
      // Text may go on in the next piece: write takes it (an entity may be cut).
      if (lt < 0 && !final) return i;
      const end = lt < 0 ? n : lt;
      // Stryker disable next-line EqualityOperator: an empty run adds nothing to the text (no reader tells an empty text event).
      if (end > i) {
        if (rawNames.length === 0) {
          if (!XML_SPACE.test(xml.slice(i, end))) return -1;
        } else {
          const text = decodeText(xml.slice(i, end));
          if (text === undefined) return -1;
          this.addText(text);
        }
      }
      if (lt < 0) return end;
      // Constructs cut by the end of this piece wait for the next one. (Also keeps the read of
      // `next` in bounds: an out-of-bounds charCodeAt throws V8's optimised loop away.)
      // Stryker disable next-line ConditionalExpression,EqualityOperator,ArithmeticOperator,BlockStatement: without it, the start-tag branch below waits or refuses the same.
      if (lt + 1 >= n) {
        return final ? -1 : lt;
      }
      const next = xml.charCodeAt(lt + 1);
      if (next === 0x21 /* ! */ || next === 0x3f /* ? */) {
        // Rare in vim25 answers: out of this loop, which V8 then compiles smaller.
        const after = this.markup(xml, lt, final);
        if (after <= lt) return after;
        i = after;
        continue;
      }
      if (next === 0x2f /* / */) {
        const close = xml.indexOf('>', lt + 2);
        // Stryker disable next-line EqualityOperator: close is at least lt + 2, never 0.
        if (close < 0) return final ? -1 : lt;
        const depth = rawNames.length - 1;
        const rawName = rawNames[depth];
        if (rawName === undefined || !xml.startsWith(rawName, lt + 2)) return -1;
        for (let k = lt + 2 + rawName.length; k < close; k++) if (!isSpace(xml.charCodeAt(k))) return -1;
        rawNames.pop();
        this.scopes.pop();
        this.closeElement(this.elements.pop(), depth);
        i = close + 1;
        continue;
      }
      // Constructs cut by the end of this piece wait for the next one (a start tag has at least a `>`).
      const gt = xml.indexOf('>', lt);
      if (gt < 0) return final ? -1 : lt;
      const parentScope = this.scopes[this.scopes.length - 1] ?? this.rootScope;
      const tags = this.state.tags;
      const text = xml.slice(lt + 1, gt);
      let tag = tags.get(text);
      if (tag === undefined || tag.parent !== parentScope) {
        tag = this.tag;
        if (!readStartTag(xml, lt, parentScope, this.state, tag)) {
          // A `>` inside a quoted value is not the tag's end: the tag may simply be cut.
          return !final && !tagComplete(xml, lt) ? lt : -1;
        }
        // Kept, and used from the cache at once: every element of a tag shares one frozen
        // attribute list (one map for V8 too: a first, unfrozen one made code that had only
        // seen cached ones deoptimise).
        if (tag.end === gt + 1 && tags.size < MAX_CACHED_TAGS && text.length <= MAX_CACHED_TAG_LENGTH) {
          tag = keptTag(tag);
          tags.set(detachString(text), tag);
        }
      }
      const depth = rawNames.length;
      if (depth >= MAX_XML_DEPTH) return -1;
      let element: MutableElement | undefined;
      if (this.sink !== undefined) this.sink.open(tag.ns, tag.local, tag.attributes);
      else {
        const opened = this.openElement(tag, depth);
        if (opened === null) return -1;
        element = opened;
      }
      if (tag.selfClosing) this.closeElement(element, depth);
      else {
        rawNames.push(tag.rawName);
        this.scopes.push(tag.scope);
        this.elements.push(element);
      }
      // A cached tag ends at its first `>`; one read and not kept may end after a quoted `>`.
      i = tag === this.tag ? tag.end : gt + 1;
    }
    return n;
  }

  /**
   * A comment, CDATA section, processing instruction or declaration at `lt` (`<!` or `<?`):
   * returns where it ends, `lt` when it is cut by the end of the piece (not final), or -1 when
   * it is malformed or a declaration (DOCTYPE and the like are refused).
   */
  private markup(xml: string, lt: number, final: boolean): number {
    const n = xml.length;
    if (xml.charCodeAt(lt + 1) === 0x3f /* ? */) {
      const close = xml.indexOf('?>', lt + 2);
      // Stryker disable next-line EqualityOperator: close is at least lt + 2, never 0.
      if (close < 0) return final ? -1 : lt;
      return RAW_NOT_CHAR.test(xml.slice(lt + 2, close)) ? -1 : close + 2;
    }
    if (!final && n - lt < 9) return lt;
    if (xml.startsWith('<!--', lt)) {
      // Security: `--` may only end a comment (D125): the first one must be its `-->`.
      const dashes = xml.indexOf('--', lt + 4);
      // Stryker disable next-line EqualityOperator: dashes is at least lt + 4, never 0.
      if (dashes < 0) return final ? -1 : lt;
      if (dashes + 2 >= n) return final ? -1 : lt;
      return xml.charCodeAt(dashes + 2) === 0x3e /* > */ && !RAW_NOT_CHAR.test(xml.slice(lt + 4, dashes)) ? dashes + 3 : -1;
    }
    if (xml.startsWith('<![CDATA[', lt)) {
      // Stryker disable next-line UnaryOperator: from +1 scan reads `![CDATA[` as text outside the root, refused in the same write.
      if (this.rawNames.length === 0) return -1;
      const close = xml.indexOf(']]>', lt + 9);
      // Stryker disable next-line EqualityOperator: close is at least lt + 9, never 0.
      if (close < 0) return final ? -1 : lt;
      const text = xml.slice(lt + 9, close);
      if (RAW_NOT_CHAR.test(text)) return -1;
      // An empty section adds an empty text: nothing.
      this.addText(text);
      return close + 3;
    }
    return -1; // Security: DOCTYPE and other declarations are refused.
  }

  /**
   * An element opens outside a captured subtree: offer it to `capture` (undefined: taken as
   * events from now on), or add it to the tree (the element). Null when it is a second root.
   */
  private openElement(tag: StartTag, depth: number): MutableElement | undefined | null {
    if (depth > 0 && (this.sink = this.hooks.capture?.(tag.ns, tag.local, tag.attributes, depth)) !== undefined) {
      this.sinkDepth = depth;
      this.sink.open(tag.ns, tag.local, tag.attributes);
      return undefined;
    }
    const element: MutableElement = { ns: tag.ns, local: tag.local, attributes: tag.attributes, children: NO_CHILDREN, text: '' };
    const parent = this.elements[depth - 1];
    if (parent !== undefined) {
      if (parent.children === NO_CHILDREN) parent.children = [element];
      else parent.children.push(element);
    } else if (this.root === undefined) this.root = element; // The root: a parent inside a capture is captured too.
    else return null; // A second root element.
    return element;
  }

  /**
   * The text run from `i` that ends a piece, up to `end` (textEnd): checked and added as scan
   * does with any text; returns `end`, or -1 when it is malformed.
   */
  private takeText(xml: string, i: number, end: number): number {
    // An empty run (all of it may be cut) is space outside the root, and adds nothing inside it.
    if (this.rawNames.length === 0) {
      if (!XML_SPACE.test(xml.slice(i, end))) return -1;
    } else {
      const text = decodeText(xml.slice(i, end));
      if (text === undefined) return -1;
      this.addText(text);
    }
    return end;
  }

  /** The document is malformed: refused now and from now on (write and end look no further). */
  private fail(): false {
    this.failed = true;
    return false;
  }

  /**
   * `rest` (the end of a piece that scan and takeText left) waits for the next piece: note
   * what ends its construct and how far the search for that end got, so that each piece
   * after it is searched once (endsIn) instead of the whole rescanned at every piece. A rest
   * that is not a long construct (a cut entity reference, `]`, `<`, a `<!` too short to
   * tell) is at most a few characters and simply rescanned.
   */
  private wait(rest: string): void {
    this.waitingLength = rest.length;
    this.waitKind = WAIT_ANY;
    if (rest.charCodeAt(0) !== 0x3c /* < */ || rest.length < 2) return;
    const next = rest.charCodeAt(1);
    let from: number;
    if (next === 0x2f /* / */) {
      this.waitKind = WAIT_END_TAG;
      from = 2;
    } else if (next === 0x3f /* ? */) {
      this.waitKind = WAIT_PI;
      from = 2;
    } else if (next === 0x21 /* ! */) {
      // Shorter than markup() reads (`<!---->` waits there whole): rescanned as it is.
      if (rest.length < 9) return;
      if (rest.startsWith('<!--')) {
        this.waitKind = WAIT_COMMENT;
        from = 4;
      } else {
        // scan refuses any other `<!` of nine characters or more: this is a CDATA section.
        this.waitKind = WAIT_CDATA;
        from = 9;
      }
    } else {
      this.waitKind = WAIT_TAG;
      this.waitQuote = 0;
      this.looked += rest.length;
      // From its `<`, which is no quote and no `>`.
      this.endsIn(rest);
      return;
    }
    // Only what the construct's own search looks at may end it (`<?>` is no `?>`).
    this.waitTail = rest.slice(Math.max(from, rest.length - 2));
  }

  /** True when `text`, the next piece, may end the waiting construct (then it is scanned whole). */
  private endsIn(text: string): boolean {
    const kind = this.waitKind;
    if (kind === WAIT_TAG) {
      // A `>` outside quoted values ends a start tag (tagComplete, carried across pieces).
      let quote = this.waitQuote;
      // Stryker disable next-line EqualityOperator: one step past the end reads NaN: no quote, no `>`, and a quote's search finds nothing.
      for (let k = 0; k < text.length; k++) {
        const c = text.charCodeAt(k);
        if (quote !== 0) {
          const close = text.indexOf(quote === 0x22 ? '"' : "'", k);
          if (close < 0) break;
          quote = 0;
          k = close;
        } else if (c === 0x22 || c === 0x27) quote = c;
        else if (c === 0x3e) return true;
      }
      this.waitQuote = quote;
      return false;
    }
    if (kind === WAIT_END_TAG) return text.includes('>');
    const searched = this.waitTail + text;
    this.looked += this.waitTail.length;
    this.waitTail = searched.slice(-2);
    return searched.includes(kind === WAIT_COMMENT ? '--' : kind === WAIT_PI ? '?>' : ']]>');
  }

  /** Character data of the innermost open element. */
  private addText(text: string): void {
    if (this.sink !== undefined) this.sink.text(text);
    else this.elements[this.elements.length - 1]!.text += text;
  }

  /** The element at `depth` ended: tell its sink, or offer it to onClose. */
  private closeElement(element: MutableElement | undefined, depth: number): void {
    const sink = this.sink;
    if (sink !== undefined) {
      sink.close();
      if (depth === this.sinkDepth) this.sink = undefined;
      return;
    }
    // Outside a capture every element is built.
    this.closed(element!, depth);
  }

  /** An element is complete: offer it to the hook, and drop it from its parent if consumed. */
  private closed(element: MutableElement, depth: number): void {
    const onClose = this.hooks.onClose;
    const parent = this.elements[depth - 1];
    if (onClose === undefined || parent === undefined) return;
    // It is its parent's last child: its own children went into its own list.
    if (onClose(element, depth)) parent.children.pop();
  }
}

/**
 * Parses a whole document (see XmlStreamScanner). Returns undefined for anything that is
 * not one well-formed element tree.
 */
export function scanXml(xml: string): XmlElement | undefined {
  const scanner = new XmlStreamScanner();
  return scanner.write(xml) ? scanner.end() : undefined;
}

/**
 * Longest construct (tag, comment, CDATA, PI) allowed to wait for the next piece. Each
 * piece rescans what waits, so an endless construct would cost quadratic time; no vim25
 * answer has a tag or comment anywhere near this size, so one that does is refused.
 */
const MAX_WAITING = 1024 * 1024;

/** What a construct cut by the end of a piece waits for (XmlStreamScanner.wait). */
const WAIT_ANY = 0; // nothing long: rescanned with the next piece
const WAIT_TAG = 1; // a start tag: a `>` outside quotes
const WAIT_END_TAG = 2; // an end tag: `>`
const WAIT_COMMENT = 3; // a comment: `--` (a `-->`, or malformed)
const WAIT_PI = 4; // a processing instruction: `?>`
const WAIT_CDATA = 5; // a CDATA section: `]]>`

/**
 * Most namespace bindings in scope at once, the `xml` one included (a vim25 answer has under
 * 20: a few on the envelope and the response, one on a `<val>`). Resolving a name walks them,
 * and a tag not read from the tag cache resolves each of its names, so 50,000 declarations on
 * the root made every later tag cost 50,000 steps per name: a document deeper in bindings is
 * refused (D127).
 */
const MAX_BINDINGS_IN_SCOPE = 256;

/**
 * How many distinct names one document's name cache keeps (ScanState.names). A vim25 answer
 * has a few hundred (element and attribute names: envelope, result, data object fields); a
 * name past the limit is checked and split each time it is read, as the first time.
 */
const MAX_CACHED_NAMES = 4096;

/** How many distinct start tags one document's tag cache keeps (ScanState.tags). */
const MAX_CACHED_TAGS = 256;
/** The longest start tag (between `<` and `>`) the tag cache keeps. */
const MAX_CACHED_TAG_LENGTH = 512;

/**
 * Deepest element nesting accepted (the root is depth 0). A vim25 answer nests some 20 deep
 * (Envelope, Body, response, returnval, objects, propSet, val, then a data object's fields);
 * the converters that read a value tree recurse once or twice per level, and a 2,500-deep
 * `<val>` (35 KB) overflowed the stack. Security: a deeper document is refused as malformed,
 * whatever reads it (D93).
 */
export const MAX_XML_DEPTH = 256;

/**
 * Most characters between a reference's `&` and `;`: `&#x10FFFF;` has 7, and leading zeros
 * (`&#x000A;`) a few more. A reference cut by the end of a piece waits for the next one only
 * this long (textEnd), so a longer one is refused whole too (decode): otherwise a zero-padded
 * `&#x0000000000000041;` was read whole and refused when a piece ended inside it, the same
 * answer read or refused by where the network cut it (D130).
 */
const MAX_REFERENCE = 15;

/**
 * How much of the text run from `i` to the end of the piece can be taken now: all of it,
 * unless its last `&` may start an entity reference cut by the piece's end (then up to that
 * `&`; an unterminated one longer than any reference is malformed, and decode says so), or
 * it ends with `]` (up to that `]` or `]]`: a `]]>` may be cut there).
 */
function textEnd(xml: string, i: number): number {
  const amp = xml.lastIndexOf('&');
  if (amp >= i && xml.length - amp <= MAX_REFERENCE + 1) {
    // Stryker disable next-line EqualityOperator: the `;` is after the `&` at amp, never at 0.
    if (xml.indexOf(';', amp) < 0) return amp;
  }
  // A `]]>` may be cut after its `]` or `]]` (refused in text, decodeText): those wait too.
  let end = xml.length;
  // At most two (`]]`), and none before i (there the character before is a construct's `>`, or i is 0).
  const last = Math.max(i, xml.length - 2);
  while (end > last && xml.charCodeAt(end - 1) === 0x5d /* ] */) end--;
  return end;
}

/** True when a `>` outside quotes ends the start tag at `lt`. */
function tagComplete(xml: string, lt: number): boolean {
  let quote = 0;
  // Stryker disable next-line EqualityOperator: one step past the end reads NaN, which ends nothing.
  for (let k = lt + 1; k < xml.length; k++) {
    const c = xml.charCodeAt(k);
    if (quote !== 0) {
      if (c === quote) quote = 0;
    } else if (c === 0x22 || c === 0x27) quote = c;
    else if (c === 0x3e) return true;
  }
  return false;
}

/** Reads the start tag at `lt` into `tag`; false when it is malformed or cut. */
function readStartTag(xml: string, lt: number, parentScope: Scope, state: ScanState, tag: StartTag): boolean {
  tag.parent = parentScope;
  let j = lt + 1;
  // Past the end charCodeAt is NaN, a name's end (isNameEnd) and no space.
  while (!isNameEnd(xml.charCodeAt(j))) j++;
  const rawName = xml.slice(lt + 1, j);
  const parts = nameParts(rawName, state);
  // An element name may not have the prefix `xmlns` (XML Namespaces §3).
  if (parts === undefined || parts.prefix === 'xmlns') return false;
  // Attributes go to the per-document scratch lists first (no lists per tag).
  const names = state.attrNames;
  const partsOf = state.attrParts;
  const values = state.attrValues;
  let count = 0;
  let selfClosing = false;
  for (;;) {
    const before = j;
    while (isSpace(xml.charCodeAt(j))) j++;
    const c = xml.charCodeAt(j);
    if (c === 0x3e /* > */) {
      j++;
      break;
    }
    if (c === 0x2f /* / */) {
      if (xml.charCodeAt(j + 1) !== 0x3e) return false;
      selfClosing = true;
      j += 2;
      break;
    }
    // Attributes need whitespace before them (at the end, the empty name is refused below).
    if (j === before) return false;
    const nameStart = j;
    while (!isNameEnd(xml.charCodeAt(j)) && xml.charCodeAt(j) !== 0x3d) j++;
    const name = xml.slice(nameStart, j);
    const nameOf = nameParts(name, state);
    while (isSpace(xml.charCodeAt(j))) j++;
    if (nameOf === undefined || xml.charCodeAt(j) !== 0x3d /* = */) return false;
    j++;
    while (isSpace(xml.charCodeAt(j))) j++;
    const quote = xml[j];
    if (quote !== '"' && quote !== "'") return false;
    const close = xml.indexOf(quote, j + 1);
    if (close < 0) return false;
    const rawValue = xml.slice(j + 1, close);
    const value = rawValue.includes('<') ? undefined : decode(rawValue);
    if (value === undefined) return false;
    names[count] = name;
    partsOf[count] = nameOf;
    values[count] = value;
    count++;
    j = close + 1;
  }
  let scope = parentScope;
  if (repeats(names, count)) return false;
  let plain = 0;
  for (let k = 0; k < count; k++) {
    const p = partsOf[k]!;
    const prefix = p.prefix === '' && p.local === 'xmlns' ? '' : p.prefix === 'xmlns' ? p.local : undefined;
    // Stryker disable next-line UpdateOperator: only whether it is 0 is read.
    if (prefix === undefined) plain++;
    else if (!declarable(prefix, values[k]!)) return false;
    else {
      const declared = declare(scope, prefix, values[k]!);
      if (declared === undefined) return false;
      scope = declared;
    }
  }
  if (plain === 0) return finishStartTag(tag, rawName, parts, scope, NO_ATTRIBUTES, selfClosing, j);
  const attributes: XmlAttribute[] = [];
  let prefixed = 0;
  for (let k = 0; k < count; k++) {
    const p = partsOf[k]!;
    if ((p.prefix === '' && p.local === 'xmlns') || p.prefix === 'xmlns') continue;
    // Unprefixed attributes have no namespace (they do not take the default one).
    const ns = p.prefix === '' ? '' : resolve(scope, p.prefix);
    // The raw names are checked: the scratch list now takes the expanded ones (local}ns).
    // Stryker disable next-line ConditionalExpression,StringLiteral: an unprefixed `local}` never equals a prefixed `local}uri` (a prefix never resolves to ''), and unprefixed repeats were refused above.
    if (ns !== '') {
      names[prefixed++] = `${p.local}}${ns}`;
    }
    attributes.push({ ns, local: p.local, value: values[k]! });
  }
  // Security: one expanded name twice under two prefixes (`p:x` and `q:x`, both bound to one
  // URI) is not namespace-well-formed (XML Namespaces §6.3, D123): refused like `x` twice.
  if (repeats(names, prefixed)) return false;
  return finishStartTag(tag, rawName, parts, scope, attributes, selfClosing, j);
}

/**
 * True when two of the first `count` of `keys` are equal: pairwise for the few attributes a
 * tag has, through a Set beyond that (Security: a hostile tag of a megabyte holds some
 * 150,000 attributes, whose pairs would cost minutes of CPU).
 */
function repeats(keys: readonly string[], count: number): boolean {
  if (count > 16) return new Set(keys.slice(0, count)).size < count;
  for (let a = 1; a < count; a++) for (let b = 0; b < a; b++) if (keys[a] === keys[b]) return true;
  return false;
}

/**
 * Whether XML Namespaces allows binding `prefix` (`''`: the default namespace) to `uri`
 * (Security, D124): `xml` only to its own URI, `xmlns` never, no other prefix to either
 * of those two URIs, and no prefix to `''` (undeclaring a prefix is XML 1.1's; undeclaring
 * the default namespace, `xmlns=""`, is allowed).
 */
function declarable(prefix: string, uri: string): boolean {
  if (prefix === 'xml') return uri === XML_PREFIX_NS;
  if (prefix === 'xmlns' || uri === XML_PREFIX_NS || uri === XMLNS_PREFIX_NS) return false;
  return prefix === '' || uri !== '';
}

/**
 * A frozen copy of `tag` for the tag cache, sharing nothing with the piece it was read from
 * (the cache outlives pieces). Elements made from a cached tag share its attribute list.
 * Its `end` is where it was first read; a hit ends at its own first `>` (scan).
 */
function keptTag(tag: StartTag): StartTag {
  // Stryker disable next-line ConditionalExpression: a fresh frozen empty list reads the same; the shared one only saves it.
  const attributes = tag.attributes.length === 0 ? NO_ATTRIBUTES : Object.freeze(tag.attributes.map((a) => Object.freeze({ ns: a.ns, local: a.local, value: detachString(a.value) })));
  return Object.freeze({ parent: tag.parent, rawName: detachString(tag.rawName), ns: tag.ns, local: tag.local, attributes, scope: tag.scope, selfClosing: tag.selfClosing, end: tag.end });
}

function finishStartTag(tag: StartTag, rawName: string, parts: NameParts, scope: Scope, attributes: readonly XmlAttribute[], selfClosing: boolean, end: number): true {
  tag.rawName = rawName;
  tag.ns = resolve(scope, parts.prefix);
  tag.local = parts.local;
  tag.attributes = attributes;
  tag.scope = scope;
  tag.selfClosing = selfClosing;
  tag.end = end;
  return true;
}

/**
 * `scope` with `prefix` bound to `uri`. The same declaration on sibling after sibling (vcsim
 * puts one on every `<val>`) reuses the link the previous one made: links never change, so
 * resolution is the same, and there is no new link per element.
 */
function declare(scope: Scope, prefix: string, uri: string): Scope | undefined {
  const last = scope.next;
  const same = last !== undefined && last.prefix === prefix && last.uri === uri;
  // Stryker disable next-line ConditionalExpression: a new link for a repeat resolves the same; reusing it only saves the allocation.
  if (same) return last;
  // Security: resolve walks the chain for each name read, so its length is bounded (D127).
  if (scope.length >= MAX_BINDINGS_IN_SCOPE) return undefined;
  const link: Scope = { prefix, uri: detachString(uri), parent: scope, length: scope.length + 1 };
  scope.next = link;
  return link;
}

// An undeclared prefix resolves to a value no real namespace URI can equal.
function resolve(scope: Scope, prefix: string): string {
  for (let s: Scope | undefined = scope; s !== undefined; s = s.parent) if (s.prefix === prefix) return s.uri;
  return prefix === '' ? '' : `undeclared-prefix:${prefix}`;
}

/** The prefix and local part of a well-formed name; undefined when it is not an XML name. */
function nameParts(name: string, state: ScanState): NameParts | undefined {
  const known = state.names.get(name);
  // Stryker disable next-line ConditionalExpression: checking a known name again gives the same parts; the cache only saves the work.
  if (known !== undefined) return known;
  if (!NAME.test(name)) return undefined;
  // Copied out of the piece: the cache outlives it, and so do the element names it hands out.
  const own = detachString(name);
  const colon = own.indexOf(':');
  // Stryker disable next-line EqualityOperator: NAME refuses a leading colon, so colon is never 0.
  const parts = colon < 0 ? { prefix: '', local: own } : { prefix: detachString(own.slice(0, colon)), local: detachString(own.slice(colon + 1)) };
  // Security: kept only while the cache is small (D131): a hostile answer of unique
  // names (128 MB are allowed) otherwise held some nine times its size in the heap until it ended.
  if (state.names.size < MAX_CACHED_NAMES) state.names.set(own, parts);
  return parts;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d;
}

function isNameEnd(c: number): boolean {
  return isSpace(c) || c === 0x3e /* > */ || c === 0x2f /* / */ || Number.isNaN(c);
}

/**
 * Character data between tags, decoded; undefined when malformed. Security (D125): no
 * character XML does not allow, and no `]]>`, which may only end a CDATA section (XML 1.0
 * §2.4). One native test finds the usual text plain (it replaced decode's test for `&`).
 */
function decodeText(text: string): string | undefined {
  // Stryker disable next-line ConditionalExpression: the fast path; decode answers the same for such text.
  if (!TEXT_SPECIAL.test(text)) return text;
  return text.includes(']]>') ? undefined : decode(text);
}

/**
 * Decodes the five entities and character references; undefined for a bare or unknown `&`,
 * or a character XML does not allow (Security, D125).
 */
function decode(text: string): string | undefined {
  // Stryker disable next-line ConditionalExpression: the fast path; the loop below answers the same for such text.
  if (!VALUE_SPECIAL.test(text)) return text;
  if (RAW_NOT_CHAR.test(text)) return undefined;
  let out = '';
  let last = 0;
  for (let amp = text.indexOf('&'); amp >= 0; amp = text.indexOf('&', last)) {
    const semi = text.indexOf(';', amp + 1);
    // Security: no longer than a cut one may wait for (textEnd), so that a document is read or
    // refused whatever pieces it arrives in (D130).
    // Stryker disable next-line EqualityOperator: semi is after amp, never 0.
    if (semi < 0) return undefined;
    if (semi - amp - 1 > MAX_REFERENCE) return undefined;
    const ref = text.slice(amp + 1, semi);
    let value: string | undefined;
    if (ref.startsWith('#x')) value = codePoint(/^[0-9a-fA-F]+$/.test(ref.slice(2)) ? parseInt(ref.slice(2), 16) : NaN);
    else if (ref.startsWith('#')) value = codePoint(/^[0-9]+$/.test(ref.slice(1)) ? parseInt(ref.slice(1), 10) : NaN);
    else value = ENTITIES.get(ref);
    if (value === undefined) return undefined;
    out += text.slice(last, amp) + value;
    last = semi + 1;
  }
  return out + text.slice(last);
}

/**
 * The character a reference names; undefined when XML 1.0's `Char` production does not allow
 * it (Security, D125): only tab, LF, CR, U+0020–U+D7FF, U+E000–U+FFFD and
 * U+10000–U+10FFFF (no other control character, no surrogate, no U+FFFE or U+FFFF).
 */
function codePoint(code: number): string | undefined {
  const allowed = code >= 0x20 ? code <= 0xd7ff || (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code <= 0x10ffff) : code === 0x9 || code === 0xa || code === 0xd;
  return Number.isInteger(code) && allowed ? String.fromCodePoint(code) : undefined;
}

/**
 * A copy of `text` that does not keep the string it was sliced from alive. V8 makes a slice
 * of 13 or more characters a view into its parent (here a whole piece of the response, tens
 * of KB); rows kept for minutes would pin every piece. Shorter strings are copies already.
 */
export function detachString(text: string): string {
  // Flattening the concatenation allocates a fresh string; the slice then points into it.
  // Stryker disable next-line ConditionalExpression,EqualityOperator: the same characters either way; only whether the copy shares its parent's memory.
  return text.length < 13 ? text : (' ' + text).slice(1);
}
