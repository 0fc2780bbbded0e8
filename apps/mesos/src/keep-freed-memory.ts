/**
 * Bun's allocator (mimalloc) hands the memory it frees back to the kernel within milliseconds
 * (madvise, with a TLB flush on every core) and faults it in again at the next allocations: on a
 * busy master or agent, every request and message. mimalloc reads its options from the environment
 * when the process starts, so the daemon verbs (`master`, `agent`, `local`) set MIMALLOC_PURGE_DELAY=-1
 * in the execve that gives them their JIT policy (jit-policy.ts), which keeps freed memory for the
 * next allocations; the resident size then stays at its peak, as a C++ Mesos daemon's does with
 * glibc's malloc. Tasks do not inherit it (the launcher gives them only PATH). A value the user set
 * stays theirs. master-throughput (load 9-15, three pairs of runs, the same binary with and without
 * it): the master's CPU a task 0.62 -> 0.48, 0.84 -> 0.71 and 0.63 -> 0.45 ms; minor page faults
 * about 6.4 -> 2.4 a task.
 */
export const KEEP_FREED_MEMORY_ENV = { MIMALLOC_PURGE_DELAY: "-1" } as const;
