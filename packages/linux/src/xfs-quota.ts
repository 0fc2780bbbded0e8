/**
 * XFS project quotas through quotactl(2): Q_XSETQLIM sets a project's block limits, Q_XGETQUOTA
 * reads its limits and usage, Q_XGETQSTATV says whether project quotas are accounted and enforced.
 * quotactl addresses a filesystem by its block device (see `blockDeviceOf`). Sizes are bytes here;
 * the kernel counts 512-byte basic blocks, and a partial block costs a whole one (rounded up, as
 * Mesos does).
 */
import { ptr } from "bun:ffi";
import { LinuxCallError } from "./errno.ts";
import { cString, errno, libc } from "./libc.ts";

const XQM_CMD = (n: number) => (0x58 << 8) + n; // ('X' << 8) + n
const Q_XGETQUOTA = XQM_CMD(3);
const Q_XSETQLIM = XQM_CMD(4);
const Q_XGETQSTATV = XQM_CMD(8);
const PRJQUOTA = 2;
const QCMD = (cmd: number, type: number) => (cmd << 8) | (type & 0xff);

const FS_DQUOT_VERSION = 1;
const FS_PROJ_QUOTA = 2;
const FS_DQ_BSOFT = 1 << 2;
const FS_DQ_BHARD = 1 << 3;
const FS_QSTATV_VERSION1 = 1;
const FS_QUOTA_PDQ_ACCT = 1 << 4;
const FS_QUOTA_PDQ_ENFD = 1 << 5;
const ENOENT = 2;

// struct fs_disk_quota (112 bytes): the offsets of the fields used here.
const DQ_SIZE = 112;
const D_VERSION = 0;
const D_FLAGS = 1;
const D_FIELDMASK = 2;
const D_ID = 4;
const D_BLK_HARDLIMIT = 8;
const D_BLK_SOFTLIMIT = 16;
const D_BCOUNT = 40;

export const BASIC_BLOCK_SIZE = 512;
export const bytesToBasicBlocks = (bytes: number): bigint => (BigInt(Math.ceil(bytes)) + 511n) / 512n;

export interface ProjectQuota {
  /** Bytes. 0 = no limit. */
  softLimit: number;
  hardLimit: number;
  used: number;
}

function quotactl(cmd: number, device: string, id: number, buf: Uint8Array): number {
  const dev = cString(device);
  const rc = libc().quotactl(QCMD(cmd, PRJQUOTA), dev.ptr, id, ptr(buf));
  void dev;
  return rc === 0 ? 0 : errno();
}

/** Sets project `projectId`'s block limits on the filesystem of `device`; 0 and 0 removes them. */
export function setProjectQuota(device: string, projectId: number, softLimit: number, hardLimit: number): void {
  const buf = new Uint8Array(DQ_SIZE);
  const v = new DataView(buf.buffer);
  v.setInt8(D_VERSION, FS_DQUOT_VERSION);
  v.setInt8(D_FLAGS, FS_PROJ_QUOTA);
  v.setUint16(D_FIELDMASK, FS_DQ_BSOFT | FS_DQ_BHARD, true);
  v.setUint32(D_ID, projectId, true);
  v.setBigUint64(D_BLK_HARDLIMIT, bytesToBasicBlocks(hardLimit), true);
  v.setBigUint64(D_BLK_SOFTLIMIT, bytesToBasicBlocks(softLimit), true);
  const e = quotactl(Q_XSETQLIM, device, projectId, buf);
  if (e !== 0) throw new LinuxCallError(`quotactl(Q_XSETQLIM, '${device}', project ${projectId})`, e);
}

export function clearProjectQuota(device: string, projectId: number): void {
  setProjectQuota(device, projectId, 0, 0);
}

/** The project's limits and usage, or undefined if the filesystem has no record of it. */
export function getProjectQuota(device: string, projectId: number): ProjectQuota | undefined {
  const buf = new Uint8Array(DQ_SIZE);
  const v = new DataView(buf.buffer);
  v.setInt8(D_VERSION, FS_DQUOT_VERSION);
  v.setInt8(D_FLAGS, FS_PROJ_QUOTA);
  v.setUint32(D_ID, projectId, true);
  const e = quotactl(Q_XGETQUOTA, device, projectId, buf);
  if (e === ENOENT) return undefined;
  if (e !== 0) throw new LinuxCallError(`quotactl(Q_XGETQUOTA, '${device}', project ${projectId})`, e);
  const blocks = (offset: number) => Number(v.getBigUint64(offset, true)) * BASIC_BLOCK_SIZE;
  const quota = { hardLimit: blocks(D_BLK_HARDLIMIT), softLimit: blocks(D_BLK_SOFTLIMIT), used: blocks(D_BCOUNT) };
  // No limits and nothing used: no quota is assigned (Mesos's reading too).
  return quota.hardLimit === 0 && quota.used === 0 ? undefined : quota;
}

export interface ProjectQuotaStatus {
  accounting: boolean;
  enforcing: boolean;
}

/** Whether the filesystem of `device` accounts and enforces project quotas (Q_XGETQSTATV). */
export function projectQuotaStatus(device: string): ProjectQuotaStatus {
  const buf = new Uint8Array(160);
  buf[0] = FS_QSTATV_VERSION1;
  const e = quotactl(Q_XGETQSTATV, device, 0, buf);
  if (e !== 0) throw new LinuxCallError(`quotactl(Q_XGETQSTATV, '${device}')`, e);
  const flags = new DataView(buf.buffer).getUint16(2, true);
  return { accounting: (flags & FS_QUOTA_PDQ_ACCT) !== 0, enforcing: (flags & FS_QUOTA_PDQ_ENFD) !== 0 };
}
