// Node/V8 flags of the built-in server children, one place for the two that need them: the
// host starts each child with its flags (./vsphere.ts, ./p6.ts), and the build makes each
// child's V8 code cache with the same flags (scripts/build.mjs reads this file), since V8
// refuses a cache made under other V8 flags. Constants only, no imports.

/**
 * The vSphere child: V8's young generation defaults to 16 MiB semi-spaces, sized for
 * throughput; a child that turns a 5,000-VM inventory into rows grows it to the maximum and
 * keeps it. With 2 MiB its peak RSS after the walk measured 125–134 MiB instead of 156–164
 * MiB, walk times within the noise (issue 17, docs/PERFORMANCE.md). `--liftoff-only`: see
 * P6_SERVER_FLAGS below.
 *
 * `--heap-growing-percent=20`: after each full collection V8 lets the old generation grow to
 * 1.2 × what survived (at least 8 MiB more) before the next, instead of up to 4 × when its
 * collections look cheap. Each time vCenter ends the session, the child drops its kept
 * inventory and reads afresh, leaving ~8 MiB of promoted garbage; with V8's own factor that
 * piled up to the next full collection, so the child's peak grew with every session (124 MiB
 * after 5, 137 after 9); with the flag it stays at the first walk's, ~94 MiB, with no
 * walk-time cost measured (docs/PERFORMANCE.md §2 round 5). The old generation is not capped.
 *
 * `--max-inlined-bytecode-size-cumulative=460`: TurboFan inlines at most half V8's default
 * (920) bytecode into one optimised function. The first page's parse is compiled while it
 * runs, and its largest compiles (the XML scanner's loop, the readers' `close` with everything
 * it inlined) took 60–125 ms of background CPU on 2 loaded cores; with the smaller budget the
 * cold parse took ~10 ms less CPU and wall and the one-shot ~15 ms less CPU, while a warm
 * parse (the kept inventory's later walks) measured the same (docs/PERFORMANCE.md §2 round 5b).
 */
export const VSPHERE_SERVER_FLAGS: readonly string[] = ['--max-semi-space-size=2', '--liftoff-only', '--heap-growing-percent=20', '--max-inlined-bytecode-size-cumulative=460'];

/**
 * The P6 child. `--liftoff-only`: V8 compiles WebAssembly with its baseline compiler only.
 * The one wasm module the child runs is undici's HTTP parser (llhttp); optimising it with
 * TurboFan took ~30 MiB of compiler memory and 100–170 ms of CPU on the first page, the
 * largest part of the first page's peak (docs/PERFORMANCE.md §3, round 4; D98).
 * JavaScript is compiled as before. The vSphere child runs the same parser and takes the
 * same flag (the one-shot: CPU 300 → 250 ms, peak RSS 90 → 69 MiB; §2 round 4).
 *
 * `--max-semi-space-size=8` and `--heap-growing-percent=20`: with V8's defaults the child's
 * peak climbed walk after walk (83 MiB after the first 5,000-row page, 118–128 MiB after three
 * 50,000-activity walks): the old generation grew to several times what survived, and both
 * 16 MiB semi-spaces filled. Together they keep it flat at 93–99 MiB from the first walk on,
 * for ~5 ms more CPU a page; 4 or 2 MiB semi-spaces were flatter still (83–85 MiB) but cost
 * 80–140 ms more per walk (D122, docs/PERFORMANCE.md §3 round 6).
 */
export const P6_SERVER_FLAGS: readonly string[] = ['--liftoff-only', '--max-semi-space-size=8', '--heap-growing-percent=20'];

/** Flags by the server's folder under dist/mcp (what scripts/build.mjs looks up). */
export const BUILT_IN_SERVER_FLAGS: Readonly<Record<string, readonly string[]>> = { vsphere: VSPHERE_SERVER_FLAGS, p6: P6_SERVER_FLAGS };
