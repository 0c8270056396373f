/**
 * Node/V8 flags the host starts a built-in server child with, by server name (issue 17,
 * docs/PERFORMANCE.md "vSphere child memory").
 *
 * vsphere: V8's young generation defaults to 16 MiB semi-spaces, sized for throughput; a
 * child that turns a 5,000-VM inventory into rows grows it to the maximum and keeps it. With
 * 2 MiB semi-spaces its peak RSS after walking 5,000 VMs measured 125–134 MiB instead of
 * 156–164 MiB (bench:vsphere's gateway walk, same vcsim, interleaved), with walk times within
 * the run-to-run noise. The old generation is not capped: a larger inventory must still fit.
 */
export const BUILT_IN_SERVER_FLAGS: Readonly<Record<string, readonly string[]>> = {
  vsphere: ['--max-semi-space-size=2'],
};
