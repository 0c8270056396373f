/**
 * A classic-BPF seccomp program for bubblewrap's `--seccomp FD`, built here so no native
 * module or libseccomp is needed. It refuses, inside the sandbox:
 *
 * - `socket(AF_UNIX, ...)`: a child shares the host's network namespace (it must reach its
 *   upstream), and abstract-namespace unix sockets (`@/tmp/dbus-...`, X11's `@/tmp/.X11-unix`)
 *   live in the network namespace, not the filesystem, so unmounting paths does not hide
 *   them. With no way to create a unix socket the child cannot reach any D-Bus or X server.
 *   `socketpair` stays allowed (it reaches no one) and the inherited host channel works.
 * - `io_uring_setup`: io_uring can open sockets without the `socket` syscall (ENOSYS, so
 *   libuv falls back to its thread pool).
 * - every syscall of a foreign ABI (i386 `socketcall`, x32), which would dodge the checks.
 */

/** Supported architectures: `process.arch` → [AUDIT_ARCH, socket nr]. */
const ARCHES: Readonly<Record<string, { audit: number; socket: number; x32Bit: boolean }>> = {
  x64: { audit: 0xc000003e, socket: 41, x32Bit: true },
  arm64: { audit: 0xc00000b7, socket: 198, x32Bit: false },
};
const IO_URING_SETUP = 425;
const AF_UNIX = 1;
const EACCES = 13;
const ENOSYS = 38;
const RET_ALLOW = 0x7fff0000;
const RET_ERRNO = 0x00050000;
// BPF opcodes.
const LD_W_ABS = 0x20;
const JEQ_K = 0x15;
const JGE_K = 0x35;
const RET_K = 0x06;
// struct seccomp_data offsets.
const NR = 0;
const ARCH = 4;
const ARG0_LOW = 16; // little-endian: the low 32 bits of args[0]

type Insn = { code: number; k: number; jt?: string; jf?: string } | { label: string };

/** True when `unixSocketFilter` supports this architecture. */
export function seccompSupported(arch: string = process.arch): boolean {
  return Object.hasOwn(ARCHES, arch);
}

/** The program for `arch` (`process.arch`), or undefined when the architecture is not supported. */
export function unixSocketFilter(arch: string = process.arch): Uint8Array | undefined {
  // Own keys only: `'toString' in ARCHES` is true, and its "program" refused every syscall.
  const a = Object.hasOwn(ARCHES, arch) ? ARCHES[arch] : undefined;
  if (!a) return undefined;
  const program: Insn[] = [
    { code: LD_W_ABS, k: ARCH },
    { code: JEQ_K, k: a.audit, jf: 'deny' },
    { code: LD_W_ABS, k: NR },
    ...(a.x32Bit ? [{ code: JGE_K, k: 0x40000000, jt: 'deny' }] : []),
    { code: JEQ_K, k: a.socket, jt: 'socket' },
    { code: JEQ_K, k: IO_URING_SETUP, jt: 'nosys' },
    { code: RET_K, k: RET_ALLOW },
    { label: 'socket' },
    { code: LD_W_ABS, k: ARG0_LOW },
    { code: JEQ_K, k: AF_UNIX, jt: 'deny' },
    { code: RET_K, k: RET_ALLOW },
    { label: 'deny' },
    { code: RET_K, k: RET_ERRNO | EACCES },
    { label: 'nosys' },
    { code: RET_K, k: RET_ERRNO | ENOSYS },
  ];
  const labels = new Map<string, number>();
  const insns: Array<{ code: number; k: number; jt?: string; jf?: string }> = [];
  for (const i of program) {
    if ('label' in i) labels.set(i.label, insns.length);
    else insns.push(i);
  }
  const out = new Uint8Array(insns.length * 8);
  const view = new DataView(out.buffer);
  insns.forEach((insn, idx) => {
    // Stryker disable next-line ConditionalExpression: without a label the offset is NaN, which setUint8 writes as 0 all the same
    const rel = (label: string | undefined): number => (label === undefined ? 0 : labels.get(label)! - idx - 1);
    view.setUint16(idx * 8, insn.code, true);
    view.setUint8(idx * 8 + 2, rel(insn.jt));
    view.setUint8(idx * 8 + 3, rel(insn.jf));
    view.setUint32(idx * 8 + 4, insn.k, true);
  });
  return out;
}
