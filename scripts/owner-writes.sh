#!/bin/sh
# Which master files write each piece of state (DESIGN.md §8: one owner per piece), and which call
# the allocator, at a commit (default HEAD). The patterns cover the names before and after the
# owners existed, so any commit can be compared:
#   sh scripts/owner-writes.sh 3a95e40      sh scripts/owner-writes.sh HEAD
C=${1:-HEAD}
g() { echo "== $1"; git grep -lE "$2" "$C" -- 'apps/master/src/*.ts' ':!apps/master/src/allocator/*' ':!*.test.ts' | sed "s|^$C:||"; }
g "tasks (active/unreachable/completed lists, per-agent index, task state)" \
  '\.(tasks|unreachableTasks|active|unreachable)\.(set|delete|clear)\(|\.(addTask|removeTask|addCompletedTask)\(|completed(Tasks)?\.(push|splice)\(|\btask\.state = |\btask\.statuses\.push\('
g "agents (registry rows, their mirror, live agents)" \
  '\b(registry|store)\.(setAgent|removeAgent)\(|\b(registeredAgents|registryMirror|agentsById)\.(set|delete)\(|ctx\.agents\.(set|delete)\('
g "frameworks (live and completed, suppressed roles)" \
  'ctx\.frameworks\.(set|delete)\(|\b(frameworksById)\.(set|delete)\(|\bcompletedFrameworks\.(push|splice)\(|suppressedRoles\.(add|delete|clear)\('
g "quota and weights (registry rows, mirror, allocator)" \
  '\b(registry|store)\.(setQuota|removeQuota|updateWeights)\(|\b(quotas|quotaByRole|weightByRole)\.(set|delete)\(|allocator\.(updateQuota|updateWeights)\('
g "offers (the book and its per-framework / per-agent indexes)" \
  '(framework|agent|\))\??\.offers\.(add|delete)\(|\bthis\.(byId|offersById)\.(set|delete)\(|\b(offersByFramework|offersByAgent)\b'
g "operations (per agent, per framework)" \
  '\b(agent|framework)\.operations\.(set|delete|clear)\(|\boperation\.statuses\.push\(|\boperation\.latestStatus = |\b(operationsByAgent|operationsByFramework)\.(set|delete)\(|\bops\.(set|delete)\('
g "allocator callers" 'allocator\.[a-zA-Z]+\('
