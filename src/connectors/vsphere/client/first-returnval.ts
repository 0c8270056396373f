import { XML_NS } from '../soap/soap-xml.js';

/**
 * Where the streaming readers of a SOAP answer (retrieveResultReader, updateSetReader) take
 * what they read: the first `returnval` of the first element of the first SOAP `Body`, as the
 * tree path reads it (childElement on soapCall's response). Security: not from the Header,
 * another element of the response or of the Body, or a second `returnval` (D94).
 *
 * The scanner's `capture` hook is offered every element outside a captured subtree, depth by
 * depth, so each flag describes the element open at its depth.
 */
export class FirstReturnval {
  private bodySeen = false;
  // Stryker disable next-line BooleanLiteral: set at depth 1 before depth 2 reads it (an element is offered after its parent).
  private inBody = false;
  private responseSeen = false;
  // Stryker disable next-line BooleanLiteral: set at depth 2 before depth 3 reads it.
  private inResponse = false;
  private returnvalSeen = false;
  // Stryker disable next-line BooleanLiteral: set at depth 3 before depth 4 and below read it.
  private inReturnval = false;

  /**
   * Note an element offered to `capture` at `depth` (Envelope 0, Body 1, the response 2,
   * returnval 3). True when it lies deeper than the returnval and inside the first one.
   */
  enter(ns: string, local: string, depth: number): boolean {
    if (depth === 1) {
      this.inBody = !this.bodySeen && local === 'Body' && ns === XML_NS.soapEnv;
      this.bodySeen ||= this.inBody;
    } else if (depth === 2) {
      // Only the first Body's first element, whatever it is (a second one is not the response).
      this.inResponse = this.inBody && !this.responseSeen;
      this.responseSeen ||= this.inBody;
    } else if (depth === 3) {
      this.inReturnval = this.inResponse && !this.returnvalSeen && local === 'returnval';
      this.returnvalSeen ||= this.inReturnval;
    } else return this.inReturnval;
    // Stryker disable next-line BooleanLiteral: both readers ask only at depth 4 and 5 (objects, filterSet, objectSet); the answer above is never used.
    return false;
  }
}
