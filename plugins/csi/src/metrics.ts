/**
 * The CSI plugin metrics of Mesos 1.8 (src/csi/metrics.cpp), one set per resource provider. The
 * agent publishes them as `resource_providers/<type>.<name>/csi_plugin/...`.
 */
export interface CsiMetrics {
  containerTerminations: number;
  rpcsPending: number;
  rpcsFinished: number;
  rpcsFailed: number;
  rpcsCancelled: number;
}

export function createCsiMetrics(): CsiMetrics {
  return { containerTerminations: 0, rpcsPending: 0, rpcsFinished: 0, rpcsFailed: 0, rpcsCancelled: 0 };
}

/** The metrics under Mesos's names, e.g. `<prefix>csi_plugin/rpcs_pending`. */
export function csiMetricsSnapshot(metrics: CsiMetrics, prefix: string): Record<string, number> {
  return {
    [`${prefix}csi_plugin/container_terminations`]: metrics.containerTerminations,
    [`${prefix}csi_plugin/rpcs_pending`]: metrics.rpcsPending,
    [`${prefix}csi_plugin/rpcs_finished`]: metrics.rpcsFinished,
    [`${prefix}csi_plugin/rpcs_failed`]: metrics.rpcsFailed,
    [`${prefix}csi_plugin/rpcs_cancelled`]: metrics.rpcsCancelled,
  };
}
