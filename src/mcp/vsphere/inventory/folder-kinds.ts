import { z } from 'zod';

/** Folder kinds as users name them, mapped to the vim25 childType each folder may hold. */
export const FOLDER_KINDS = { vm: 'VirtualMachine', host: 'ComputeResource', datastore: 'Datastore', network: 'Network', datacenter: 'Datacenter' } as const;
export const FolderKind = z.enum(['vm', 'host', 'datastore', 'network', 'datacenter']);
export type FolderKind = z.infer<typeof FolderKind>;

/** The kinds a folder is, from its `childType` list. */
export function folderKinds(childType: readonly unknown[]): FolderKind[] {
  return FolderKind.options.filter((k) => childType.includes(FOLDER_KINDS[k]));
}
