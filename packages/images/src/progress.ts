/**
 * A pull's progress as events (for a caller to log, print or forward), and a summary of them as
 * one line: `Pulling image 'r/x:1': 2/3 layers, 12.3 MB of 30.1 MB`.
 */
export type PullEvent =
  | { type: "resolved"; image: string; layers: number; storedLayers: number; bytes: number }
  | { type: "layer-started"; image: string; digest: string; size?: number }
  | { type: "layer-progress"; image: string; digest: string; bytes: number; size?: number }
  | { type: "layer-done"; image: string; digest: string; bytes: number }
  | { type: "pulled"; image: string; layers: number; downloadedBytes: number; ms: number; cached: boolean };

/** Layer progress is reported at most once per this many bytes (and at the end). */
export const PROGRESS_STEP_BYTES = 1 << 20;

export class PullProgress {
  layersTotal = 0;
  layersDone = 0;
  bytesTotal = 0;
  private readonly perLayer = new Map<string, number>();
  finished = false;

  apply(e: PullEvent): void {
    switch (e.type) {
      case "resolved":
        this.layersTotal = e.layers;
        this.layersDone = e.storedLayers;
        this.bytesTotal = e.bytes;
        break;
      case "layer-progress":
        this.perLayer.set(e.digest, e.bytes);
        break;
      case "layer-done":
        this.perLayer.set(e.digest, e.bytes);
        this.layersDone++;
        break;
      case "pulled":
        this.finished = true;
        this.layersDone = this.layersTotal = e.layers;
        break;
    }
  }

  get bytesDone(): number {
    let n = 0;
    for (const b of this.perLayer.values()) n += b;
    return n;
  }

  /** e.g. `2/3 layers, 12.3 MB of 30.1 MB`. */
  summary(): string {
    const bytes = this.bytesTotal > 0 ? `, ${formatBytes(this.bytesDone)} of ${formatBytes(this.bytesTotal)}` : `, ${formatBytes(this.bytesDone)}`;
    return `${this.layersDone}/${this.layersTotal} layers${bytes}`;
  }
}

export function formatBytes(n: number): string {
  if (n < 1000) return `${n} B`;
  if (n < 1e6) return `${(n / 1e3).toFixed(1)} kB`;
  if (n < 1e9) return `${(n / 1e6).toFixed(1)} MB`;
  return `${(n / 1e9).toFixed(2)} GB`;
}

/**
 * Turns a pull's events into lines for a log or a status message: one when the pull starts, one
 * per finished layer and for byte progress at most every `intervalMs`, one at the end (none for
 * an image already stored).
 */
export function pullReporter(o: { image: string; now: () => number; intervalMs: number; emit: (line: string) => void }): (e: PullEvent) => void {
  const progress = new PullProgress();
  let last = Number.NEGATIVE_INFINITY;
  return (e) => {
    progress.apply(e);
    const now = o.now();
    if (e.type === "pulled") {
      // A stored image needs no word: nothing was pulled.
      if (!e.cached)
        o.emit(`Pulled image '${o.image}': ${e.layers} layers, ${formatBytes(e.downloadedBytes)} downloaded in ${(e.ms / 1000).toFixed(1)} s`);
      return;
    }
    if (e.type === "layer-started") return;
    if (e.type === "layer-progress" && now - last < o.intervalMs) return;
    last = now;
    o.emit(`Pulling image '${o.image}': ${progress.summary()}`);
  };
}
