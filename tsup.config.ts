import { defineConfig } from 'tsup';

/**
 * One bundle per module format. Lua scripts are imported as text, so the
 * published package carries them inline and works under any bundler.
 */
export default defineConfig({
  entry: { index: 'src/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  platform: 'node',
  loader: { '.lua': 'text' },
});
