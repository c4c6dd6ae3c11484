/**
 * The slice of the file system the write-ahead log uses. Tests hand in a file that fails on demand
 * (a full disk, a failing fsync) to prove that nothing is acknowledged that was not made durable.
 */
import { open } from 'node:fs/promises';

export interface WalFile {
  writev(buffers: Buffer[]): Promise<void>;
  datasync(): Promise<void>;
  truncate(size: number): Promise<void>;
  close(): Promise<void>;
}

export type OpenWalFile = (path: string) => Promise<WalFile>;

export const openWalFile: OpenWalFile = async (path) => {
  const fh = await open(path, 'a');
  return {
    async writev(buffers) {
      let { bytesWritten } = await fh.writev(buffers);
      const total = buffers.reduce((n, b) => n + b.length, 0);
      // A short write: finish the rest (writev may stop early on some file systems).
      while (bytesWritten < total) {
        const rest = Buffer.concat(buffers).subarray(bytesWritten);
        bytesWritten += (await fh.write(rest)).bytesWritten;
      }
    },
    datasync: () => fh.datasync(),
    truncate: (size) => fh.truncate(size),
    close: () => fh.close(),
  };
};
