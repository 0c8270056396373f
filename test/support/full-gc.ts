// A full garbage collection for tests that check what is still reachable (WeakRef), without
// starting the test runner with `--expose-gc`: the flag is switched on here, and a fresh
// context hands out its `gc`. A WeakRef keeps its target until the job that made or read it
// ends, so let a turn pass (`await new Promise(setImmediate)`) between taking one and this.
import v8 from 'node:v8';
import vm from 'node:vm';

v8.setFlagsFromString('--expose-gc');
/** Runs a full, synchronous garbage collection. */
export const fullGc = vm.runInNewContext('gc') as () => void;
