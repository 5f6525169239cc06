/** Faults the mirror injects into file downloads, the way they happen in the wild. */

export type Fault =
  /**
   * Sends half the body, then destroys the socket a moment later: at once, a busy browser can
   * lose the unread half along with the connection, and a resume would rightly start from 0.
   */
  | 'drop'
  /** Declares the full length but ends the body at half (no Content-Length match). */
  | 'truncate'
  /** Answers 200 with an HTML page, like a captive portal or a misconfigured proxy. */
  | 'html'
  /** Sends the right number of bytes, one of them flipped. */
  | 'corrupt'
  /** Sends half the body, then nothing more until the client gives up (a dead connection). */
  | 'stall';

/** Faults waiting for the next downloads of files whose path ends with a given suffix. */
export class FaultBook {
  private readonly faults = new Map<string, { fault: Fault; times: number }>();

  /** Applies `fault` to the next `times` downloads of a file whose path ends with `file`. */
  set(file: string, fault: Fault, times: number): void {
    this.faults.set(file, { fault, times });
  }

  /** The fault for this download of `file`, if one is waiting (it is used up). */
  take(file: string): Fault | null {
    for (const [suffix, entry] of this.faults) {
      if (!file.endsWith(suffix) || entry.times <= 0) continue;
      entry.times--;
      return entry.fault;
    }
    return null;
  }
}
