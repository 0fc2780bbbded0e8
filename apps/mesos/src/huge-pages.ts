/**
 * `mesos master` lets Bun's allocator (mimalloc) back its heap with transparent huge pages, which
 * Bun leaves off by default (mimalloc's allow_thp=0), and keeps JSC from handing the free pages of
 * swept MarkedBlocks back to the kernel. A master restarted under 10,000 agents builds about half a
 * gigabyte in its first seconds, each 4 KiB page of it a page fault (about 128,000, several µs each
 * on a VM; JSC's JSCWarmUp thread alone spent 0.7 s of CPU touching new blocks): with 2 MiB pages,
 * about 3,000. JSC's decommit (madvise of a block's free 4 KiB pages after a full collection)
 * splits a huge page each time, which made a launching master's CPU a task half as much again;
 * without it (as with MIMALLOC_PURGE_DELAY=-1, keep-freed-memory.ts) freed memory stays for the
 * next allocations. The price is resident memory: an idle master about 40 MB more, a busy one about
 * a tenth more. Only the master: an agent runs beside its tasks, small, many to a cluster. The
 * kernel's setting still rules (`never` in /sys/kernel/mm/transparent_hugepage/enabled: no huge
 * pages); values the user set stay theirs.
 * master-failover at 10,000 agents / 100,000 tasks, two pairs of restarts on one cluster
 * (--failovers=4, alternating, load 4.2-4.7): every agent back 4.8 / 4.2 -> 3.5 / 3.6 s, every task
 * reconciled 5.6 / 4.9 -> 4.1 / 4.2 s, the master's CPU by then 4.8 / 4.9 -> 3.7 / 3.9 s (minor faults
 * 128,000 -> 3,000), an agent's attach answered p50 2.4-3.0 -> 2.0 s. Huge pages alone cut as much
 * at a failover but cost a launching master 0.27-0.37 -> 0.43-0.79 ms of CPU a task
 * (master-throughput); with the decommit off as well: 0.27 beside 0.27 ms (2,731 beside 2,777 tasks/s
 * over 60 s, back to back), RSS 750 beside 705 MB.
 */
export const HUGE_PAGES_ENV = { MIMALLOC_ALLOW_THP: "1", BUN_JSC_decommitUnusedMarkedBlockPages: "0" } as const;
