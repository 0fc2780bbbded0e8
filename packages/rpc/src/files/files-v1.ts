/**
 * The operator calls LIST_FILES and READ_FILE (master and agent alike) over the same FileService
 * as `/files/*`: a v1 FileInfo per entry (`mtime` in nanoseconds, `mode` as stat's number) and
 * `{size, data}` for a read.
 */
import { create } from "@bufbuild/protobuf";
import { type FileInfo as FileInfoPb, FileInfoSchema } from "@mesos/proto";
import type { FileService } from "./file-service.ts";

export function listFilesV1(files: FileService, path: string): FileInfoPb[] {
  return files.browse(path).map((f) =>
    create(FileInfoSchema, {
      path: f.path,
      nlink: f.nlink,
      size: BigInt(f.size),
      mtime: { nanoseconds: BigInt(f.mtime) * 1_000_000_000n },
      mode: f.mode,
      uid: f.uid,
      gid: f.gid,
    }),
  );
}

export function readFileV1(files: FileService, read: { path: string; offset: bigint; length?: bigint }): { size: bigint; data: Uint8Array } {
  const { size, data } = files.read(read.path, Number(read.offset), read.length === undefined ? undefined : Number(read.length));
  return { size: BigInt(size), data: new Uint8Array(data) };
}
