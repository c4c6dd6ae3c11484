/** A progress bar on stderr (cli-progress) while stderr is a terminal; nothing otherwise. */
import { SingleBar } from 'cli-progress';

export interface ProgressBar {
  update(p: { bytesDone: number; bytes: number; files: number; events: number }): void;
  stop(): void;
}

export function progressBar(title: string): ProgressBar | null {
  if (!process.stderr.isTTY) return null;
  const bar = new SingleBar({
    format: `${title} [{bar}] {percentage}% | {files} files | {events} events`,
    stream: process.stderr,
    hideCursor: true,
    clearOnComplete: true,
  });
  let started = false;
  return {
    update(p) {
      if (!started) {
        bar.start(Math.max(1, p.bytes), 0, { files: 0, events: 0 });
        started = true;
      }
      bar.update(p.bytesDone, { files: p.files, events: p.events });
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
