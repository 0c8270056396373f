// The seccomp program, pinned without a kernel: the bytes are decoded as classic BPF, checked
// the way the kernel's verifier would (known opcodes, aligned loads inside seccomp_data,
// forward jumps that land inside the program, a return at the end), and run over
// (arch, syscall number, first argument) cases. sandbox.test.ts runs the same program in
// the real kernel (a sandboxed child's connect to an abstract unix socket is refused).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { seccompSupported, unixSocketFilter } from '../../../../src/platform/supervisor/sandbox/seccomp-filter.js';

const AUDIT_ARCH_X86_64 = 0xc000003e;
const AUDIT_ARCH_AARCH64 = 0xc00000b7;
const AUDIT_ARCH_I386 = 0x40000003;
const X32_SYSCALL_BIT = 0x40000000;
const SECCOMP_RET_ALLOW = 0x7fff0000;
const SECCOMP_RET_ERRNO = 0x00050000;
const EACCES = 13;
const ENOSYS = 38;
const AF_UNIX = 1;
const AF_INET = 2;
const AF_INET6 = 10;
const AF_NETLINK = 16;
const IO_URING_SETUP = 425;
/** The syscall numbers a case names, per architecture. */
const NR = {
  x64: { socket: 41, connect: 42, socketpair: 53, read: 0, openat: 257, io_uring_enter: 426 },
  arm64: { socket: 198, connect: 203, socketpair: 199, read: 63, openat: 56, io_uring_enter: 426 },
} as const;

type Insn = { code: number; jt: number; jf: number; k: number };

/** The program's 8-byte instructions (struct sock_filter, little-endian). */
function decode(bytes: Uint8Array): Insn[] {
  assert.equal(bytes.length % 8, 0, 'a whole number of instructions');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: Insn[] = [];
  for (let o = 0; o < bytes.length; o += 8) out.push({ code: view.getUint16(o, true), jt: view.getUint8(o + 2), jf: view.getUint8(o + 3), k: view.getUint32(o + 4, true) });
  return out;
}

const LD_W_ABS = 0x20;
const JEQ_K = 0x15;
const JGE_K = 0x35;
const RET_K = 0x06;

/** What the kernel's checker (seccomp_check_filter, bpf_check_classic) would refuse. */
function verify(prog: Insn[]): void {
  assert.ok(prog.length > 0 && prog.length <= 4096, 'between 1 and BPF_MAXINSNS instructions');
  prog.forEach((insn, pc) => {
    if (insn.code === LD_W_ABS) {
      assert.ok(insn.k % 4 === 0 && insn.k + 4 <= 64, `pc ${pc}: an aligned load inside struct seccomp_data (k ${insn.k})`);
      assert.equal(insn.jt + insn.jf, 0, `pc ${pc}: a load has no jump offsets`);
    } else if (insn.code === JEQ_K || insn.code === JGE_K) {
      assert.ok(pc + 1 + Math.max(insn.jt, insn.jf) < prog.length, `pc ${pc}: both jump targets inside the program`);
    } else if (insn.code === RET_K) {
      assert.equal(insn.jt + insn.jf, 0, `pc ${pc}: a return has no jump offsets`);
    } else assert.fail(`pc ${pc}: opcode 0x${insn.code.toString(16)} is not one this program uses`);
  });
  assert.equal(prog.at(-1)!.code, RET_K, 'the last instruction returns');
}

/** Runs the program over one syscall; the answer is the SECCOMP_RET_* value. */
function run(prog: Insn[], arch: number, nr: number, arg0: bigint): number {
  // struct seccomp_data: nr (u32), arch (u32), instruction_pointer (u64), args[6] (u64 each).
  const data = new DataView(new ArrayBuffer(64));
  data.setUint32(0, nr >>> 0, true);
  data.setUint32(4, arch >>> 0, true);
  data.setBigUint64(16, BigInt.asUintN(64, arg0), true);
  let a = 0;
  for (let pc = 0, steps = 0; pc < prog.length; pc++, steps++) {
    assert.ok(steps <= prog.length, 'classic BPF only jumps forward');
    const { code, jt, jf, k } = prog[pc]!;
    if (code === LD_W_ABS) a = data.getUint32(k, true);
    else if (code === JEQ_K) pc += a === k ? jt : jf;
    else if (code === JGE_K) pc += a >= k ? jt : jf;
    else if (code === RET_K) return k;
  }
  return assert.fail('ran off the end of the program');
}

const allow = SECCOMP_RET_ALLOW;
const eacces = SECCOMP_RET_ERRNO | EACCES;
const enosys = SECCOMP_RET_ERRNO | ENOSYS;

describe('unixSocketFilter(): the program, run as classic BPF', () => {
  for (const [arch, audit] of [['x64', AUDIT_ARCH_X86_64], ['arm64', AUDIT_ARCH_AARCH64]] as const) {
    describe(arch, () => {
      const prog = decode(unixSocketFilter(arch)!);
      const nr = NR[arch];
      const sys = (n: number, arg0: bigint | number = 0) => run(prog, audit, n, BigInt(arg0));

      it('passes the kernel checker: known opcodes, aligned loads, jumps inside the program, a return at the end', () => {
        verify(prog);
      });

      it('Security: socket(AF_UNIX, ...) fails with EACCES, so no D-Bus, X11 or abstract unix socket is reachable', () => {
        assert.equal(sys(nr.socket, AF_UNIX), eacces);
      });

      it('decides on the low 32 bits of the first argument, as the kernel reads an int', () => {
        // socket()'s domain is an int: the kernel ignores the upper half of the register.
        assert.equal(sys(nr.socket, (1n << 32n) | BigInt(AF_UNIX)), eacces);
        assert.equal(sys(nr.socket, (1n << 32n) | BigInt(AF_INET)), allow);
      });

      it('other socket families stay allowed (the child must reach its upstream over TCP)', () => {
        for (const family of [0, AF_INET, AF_INET6, AF_NETLINK, 3]) assert.equal(sys(nr.socket, family), allow, `family ${family}`);
      });

      it('Security: io_uring_setup fails with ENOSYS (io_uring opens sockets without socket()), so libuv falls back', () => {
        assert.equal(sys(IO_URING_SETUP), enosys);
        assert.equal(sys(IO_URING_SETUP, AF_UNIX), enosys);
      });

      it('every other syscall is allowed, whatever its first argument (socketpair reaches no one)', () => {
        for (const n of [nr.read, nr.openat, nr.connect, nr.socketpair, nr.io_uring_enter, IO_URING_SETUP - 1, IO_URING_SETUP + 1, nr.socket - 1, nr.socket + 1]) {
          for (const arg0 of [0, AF_UNIX, AF_INET]) assert.equal(sys(n, arg0), allow, `nr ${n}, arg0 ${arg0}`);
        }
      });

      it('Security: a syscall of a foreign ABI is refused whatever it is (i386 socketcall, the other architecture)', () => {
        for (const other of [AUDIT_ARCH_I386, arch === 'x64' ? AUDIT_ARCH_AARCH64 : AUDIT_ARCH_X86_64, 0]) {
          for (const n of [nr.read, nr.socket, 102 /* i386 socketcall */, IO_URING_SETUP]) assert.equal(run(prog, other, n, BigInt(AF_INET)), eacces, `arch 0x${other.toString(16)}, nr ${n}`);
        }
      });
    });
  }

  it('Security: on x64, every x32 syscall (the x32 bit set) is refused, the socket and io_uring ones included', () => {
    const prog = decode(unixSocketFilter('x64')!);
    for (const n of [X32_SYSCALL_BIT, X32_SYSCALL_BIT + NR.x64.read, X32_SYSCALL_BIT + NR.x64.socket, X32_SYSCALL_BIT + IO_URING_SETUP, 0xffffffff]) {
      assert.equal(run(prog, AUDIT_ARCH_X86_64, n, BigInt(AF_INET)), eacces, `nr 0x${n.toString(16)}`);
    }
    // The last number below the x32 bit is an ordinary (unknown) x64 syscall: allowed, ENOSYS from the kernel.
    assert.equal(run(prog, AUDIT_ARCH_X86_64, X32_SYSCALL_BIT - 1, 0n), allow);
  });

  it('arm64 has no x32 ABI: its program has no such check', () => {
    assert.equal(decode(unixSocketFilter('arm64')!).length + 1, decode(unixSocketFilter('x64')!).length);
  });

  it('has a program for x64 and arm64 only (seccompSupported says the same)', () => {
    for (const arch of ['x64', 'arm64']) {
      assert.equal(seccompSupported(arch), true);
      assert.ok(unixSocketFilter(arch) instanceof Uint8Array, 'the architecture has a program');
    }
    for (const arch of ['ia32', 'riscv64', 'ppc64', 's390x', 'arm', 'loong64', 'toString', '__proto__', '']) {
      assert.equal(seccompSupported(arch), false, arch);
      assert.equal(unixSocketFilter(arch), undefined, arch);
    }
    assert.equal(seccompSupported(), process.arch === 'x64' || process.arch === 'arm64');
    assert.deepEqual(unixSocketFilter(), unixSocketFilter(process.arch));
  });
});
