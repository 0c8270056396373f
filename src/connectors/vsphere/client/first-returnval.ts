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
  private inBody = false;
  private bodyChildren = 0;
  private inResponse = false;
  private returnvalSeen = false;
  private inReturnval = false;

  /**
   * Note an element offered to `capture` at `depth` (Envelope 0, Body 1, the response 2,
   * returnval 3). True when it lies deeper than the returnval and inside the first one.
   */
  enter(ns: string, local: string, depth: number): boolean {
    if (depth === 1) {
      this.inBody = !this.bodySeen && local === 'Body' && ns === XML_NS.soapEnv;
      this.bodySeen ||= this.inBody;
    } else if (depth === 2) this.inResponse = this.inBody && this.bodyChildren++ === 0;
    else if (depth === 3) {
      this.inReturnval = this.inResponse && !this.returnvalSeen && local === 'returnval';
      this.returnvalSeen ||= this.inReturnval;
    } else return this.inReturnval;
    return false;
  }
}
