import { availableParallelism, cpus, platform, release, totalmem, arch } from 'node:os';

/** What the figures were measured on. */
export interface MachineDescription {
  readonly cpuModel: string;
  /** CPUs this process may use (os.availableParallelism). */
  readonly cores: number;
  readonly memoryBytes: number;
  readonly node: string;
  readonly os: string;
}

export function describeMachine(): MachineDescription {
  return {
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    cores: availableParallelism(),
    memoryBytes: totalmem(),
    node: process.version,
    os: `${platform()} ${release()} ${arch()}`,
  };
}
