/**
 * How long a request must have been on screen before the popup's buttons do anything (issue
 * 11). The page enforces it (ArmingGate); main enforces it again for an allow (D173), so a page
 * that answers early cannot approve. Its own file: the renderer takes it without zod.
 */
export const ARM_DELAY_MS = 600;
