/**
 * Runs first in the page (src/main.ts imports it before anything else; the inference worker uses
 * no zod): libraries that probe for `eval` must not, because under
 * the app's Content-Security-Policy the probe itself is reported as a violation. zod compiles
 * schemas with `new Function` unless told not to; validation works the same without it.
 */
import { z } from 'zod';

z.config({ jitless: true });
