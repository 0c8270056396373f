import type { z } from 'zod';
import { defineKind, endpointSchemaOf } from './kind-descriptor.js';

/** A vCenter or ESXi SOAP endpoint (`https://vc/sdk`). */
export const VsphereEndpoint = endpointSchemaOf('vsphere', {});
export type VsphereEndpoint = z.infer<typeof VsphereEndpoint>;

/** VMware vSphere: vim25 SOAP (and the vAPI REST session for tags) at `/sdk`. */
export const vsphereKind = defineKind({
  id: 'vsphere',
  title: 'vSphere',
  system: 'VMware vSphere (vCenter/ESXi)',
  keywords: ['vsphere', 'vmware', 'vcenter', 'esxi'],
  defaultApiPath: '/sdk',
  urlExample: 'https://vc1.corp.example',
  endpoint: VsphereEndpoint,
  fields: [],
});
