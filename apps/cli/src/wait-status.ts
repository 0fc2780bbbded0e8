/** A raw wait(2) status (what WAIT_CONTAINER answers) as a shell would report it: the exit code, or 128 + the signal. */
export function exitCodeOfWaitStatus(status: number | undefined): number {
  if (status === undefined) return 0;
  const signal = status & 0x7f;
  if (signal !== 0 && signal !== 0x7f) return 128 + signal;
  return (status >> 8) & 0xff;
}
