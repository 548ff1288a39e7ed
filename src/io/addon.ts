// The native addon (src/io/native), loaded on first use so that importing a module for its types
// or pure parts needs no build. Each user declares the slice of the addon it calls.
import { createRequire } from 'node:module';
import { problem } from '../lib/result.ts';
import { IoError } from './errors.ts';

const ADDON_PATH = './native/build/Release/v6io.node';
let addon: unknown;

export function loadNative<T>(): T {
  if (addon !== undefined) return addon as T;
  try {
    addon = createRequire(import.meta.url)(ADDON_PATH);
    return addon as T;
  } catch (cause) {
    throw new IoError(
      problem('addon-missing', 'the native I/O addon is not built: run `npm install` (node-gyp rebuild --directory=src/io/native)'),
      { cause },
    );
  }
}
