/** The Electron executable under `root`'s node_modules, or undefined when it was never downloaded. */
export function electronBinary(root: string, env?: NodeJS.ProcessEnv): string | undefined;
