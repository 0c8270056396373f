/**
 * How long a request must have been on screen before the popup's buttons do anything (issue
 * 11). The page enforces it (ArmingGate); main enforces it again for an allow (D173), so a page
 * that answers early cannot approve. Its own file: the renderer takes it without zod.
 */
export const ARM_DELAY_MS = 600;

/**
 * What the popup arms for (both the page's ArmingGate and main's check): the request and
 * the requester it names. A shared unlock prompt renamed to a requester still waiting
 * (Approver.retarget, Z3-renew) keeps its id but arms again, so an allow aimed at the old
 * name cannot land on the new one.
 */
export function approvalArmKey(request: { readonly id: string; readonly client: string; readonly server: string }): string {
  return JSON.stringify([request.id, request.client, request.server]);
}
