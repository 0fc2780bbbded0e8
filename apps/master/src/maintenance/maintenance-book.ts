/**
 * The MaintenanceBook: the maintenance schedule and the machines in maintenance, each DRAINING
 * (scheduled) or DOWN (START_MAINTENANCE); a machine in neither is UP. It writes the registry and
 * its in-memory mirror together, applying Mesos's registry operations (master/maintenance.cpp:
 * UpdateSchedule, StartMaintenance, StopMaintenance). What the changes mean for agents, offers and
 * inverse offers is maintenance-calls.ts's business.
 */
import { clone, create } from "@bufbuild/protobuf";
import { type MachineID, type MachineInfo, MachineInfo_Mode, MachineInfoSchema, maintenance, type Unavailability } from "@mesos/proto";
import type { RegistryStore, StoredMaintenance } from "../registry/registry-store.ts";
import { machineKey } from "./machine-id.ts";

export interface MaintenanceBookDeps {
  store: Pick<RegistryStore, "setMaintenance">;
  /** The registry's maintenance state as loaded at start-up. */
  recovered: StoredMaintenance;
}

export class MaintenanceBook {
  private schedules: maintenance.Schedule[];
  private machinesByKey: Map<string, MachineInfo>;

  constructor(private readonly deps: MaintenanceBookDeps) {
    this.schedules = deps.recovered.schedules;
    this.machinesByKey = deps.recovered.machines;
  }

  // --- reading ---

  /** The schedule (Mesos keeps a list and serves the first; an empty one when there is none). */
  schedule(): maintenance.Schedule {
    return this.schedules[0] ?? create(maintenance.ScheduleSchema);
  }

  /** Machines in maintenance, DRAINING or DOWN, in the order they were scheduled. */
  machines(): IterableIterator<MachineInfo> {
    return this.machinesByKey.values();
  }

  get size(): number {
    return this.machinesByKey.size;
  }

  machine(id: MachineID): MachineInfo | undefined {
    return this.machinesByKey.get(machineKey(id));
  }

  mode(id: MachineID): MachineInfo_Mode {
    return this.machine(id)?.mode ?? MachineInfo_Mode.UP;
  }

  /** When the machine is to be unavailable, if it is scheduled. */
  unavailability(id: MachineID): Unavailability | undefined {
    return this.machine(id)?.unavailability;
  }

  // --- changes (each resolves once the registry has committed it) ---

  /**
   * Replaces the schedule. Machines already in maintenance keep their mode and take the new
   * window's unavailability; new ones start DRAINING; machines left out are UP again. Returns the
   * machines whose unavailability was set or removed (every machine of the schedule, and those
   * left out), for which agents' offers and inverse offers must be renewed.
   */
  async updateSchedule(schedule: maintenance.Schedule): Promise<MachineID[]> {
    const machines = new Map<string, MachineInfo>();
    const touched: MachineID[] = [];
    for (const window of schedule.windows) {
      for (const id of window.machineIds) {
        const previous = this.machinesByKey.get(machineKey(id));
        const info = previous ? clone(MachineInfoSchema, previous) : create(MachineInfoSchema, { id, mode: MachineInfo_Mode.DRAINING });
        info.unavailability = window.unavailability;
        machines.set(machineKey(id), info);
        touched.push(id);
      }
    }
    for (const [key, info] of this.machinesByKey) if (!machines.has(key)) touched.push(info.id!);
    await this.commit(schedule.windows.length > 0 ? [schedule] : [], machines);
    return touched;
  }

  /** The machines (all DRAINING: the caller checked) go DOWN. */
  async start(ids: readonly MachineID[]): Promise<void> {
    const machines = new Map(this.machinesByKey);
    for (const id of ids) {
      const key = machineKey(id);
      const info = clone(MachineInfoSchema, machines.get(key)!);
      info.mode = MachineInfo_Mode.DOWN;
      machines.set(key, info);
    }
    await this.commit(this.schedules, machines);
  }

  /** The machines (all DOWN: the caller checked) are UP again and leave the schedule; empty windows go too. */
  async stop(ids: readonly MachineID[]): Promise<void> {
    const up = new Set(ids.map(machineKey));
    const machines = new Map([...this.machinesByKey].filter(([key]) => !up.has(key)));
    const schedules = this.schedules
      .map((s) => {
        const windows = s.windows
          .map((w) => create(maintenance.WindowSchema, { ...w, machineIds: w.machineIds.filter((id) => !up.has(machineKey(id))) }))
          .filter((w) => w.machineIds.length > 0);
        return create(maintenance.ScheduleSchema, { windows });
      })
      .filter((s) => s.windows.length > 0);
    await this.commit(schedules, machines);
  }

  private async commit(schedules: maintenance.Schedule[], machines: Map<string, MachineInfo>): Promise<void> {
    await this.deps.store.setMaintenance({ schedules, machines });
    this.schedules = schedules;
    this.machinesByKey = machines;
  }
}
