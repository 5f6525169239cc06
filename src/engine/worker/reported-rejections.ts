/**
 * transformers.js 4.3.1 fetches external-data chunks inside an async Promise executor: when one
 * fails to download, its rejection is never handled and the load never settles. The runner fails
 * the load with that error itself (ModelRunner.load, via the integrity guard), so the same error
 * surfacing again as an unhandled rejection is not a second failure: it is dropped here, and only
 * a download failure is.
 */
import { isDownloadFailure } from '../errors';

export function dropReportedDownloadRejections(scope: Pick<WorkerGlobalScope, 'addEventListener'>): void {
  scope.addEventListener('unhandledrejection', (event) => {
    if (isDownloadFailure(event.reason)) event.preventDefault();
  });
}
