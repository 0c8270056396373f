/** The vAPI REST base beside `/sdk`: `https://vc/rest` (vCenter 6.5 and later; vcsim). */
export function vapiBase(sdkUrl: string): string {
  return `${new URL(sdkUrl).origin}/rest`;
}

/** The header (and cookie) that carries a vAPI session id. */
export const VAPI_SESSION_HEADER = 'vmware-api-session-id';
