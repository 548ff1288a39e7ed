// radvd.conf ↔ config: what `config import-radvd` and `export-radvd` call. Importing maps each
// radvd interface block onto `interfaces.<name>.ra` and names what it leaves out; exporting
// writes the `ra` blocks back as radvd 2.19 (or, when asked, newer radvd) reads them.
import { err, type Problem, type Result } from '../../lib/result.ts';
import type { Config } from '../schema.ts';
import { locateRadvd } from './map-source.ts';
import { radvdToConfig, type RadvdImport } from './map-import.ts';
import { parseRadvdConf } from './parser.ts';

export { radvdToConfig, RADVD_PREFERRED_LIFETIME, RADVD_VALID_LIFETIME, type RadvdImport, type RadvdImportOptions } from './map-import.ts';
export { configToRadvd, type RadvdExport, type RadvdExportOptions } from './map-export.ts';
export { locateRadvd, type RadvdLocator, type RadvdSpot } from './map-source.ts';

/**
 * Parses radvd.conf `text` (with RFC 8319's wider limits, so newer radvd's files read too) and
 * maps it onto `base`, placing every unmapped item at its line and column.
 */
export function importRadvdText(text: string, base?: Config): Result<RadvdImport, Problem[]> {
  const parsed = parseRadvdConf(text, { limits: 'rfc8319' });
  if (!parsed.ok) return err([parsed.error]);
  return radvdToConfig(parsed.value, base, { locate: locateRadvd(text) });
}
