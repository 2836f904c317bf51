import { defineConfig } from 'tsup';

/**
 * One bundle per module format. Lua scripts are imported as text, so the
 * published package carries them inline and works under any bundler.
 * The command-line tool (src/cli, entry src/cli/bin.ts) is a second, ESM-only bundle: dist/cli.js, the package's `bin`.
 */
export default defineConfig([
  {
    entry: { index: 'src/index.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    // Leave the CLI bundle, built by the entry below at the same time, in place.
    clean: ['!cli.js', '!cli.js.map'],
    target: 'node20',
    platform: 'node',
    loader: { '.lua': 'text' },
  },
  {
    entry: { cli: 'src/cli/bin.ts' },
    format: ['esm'],
    sourcemap: true,
    clean: false,
    target: 'node20',
    platform: 'node',
    loader: { '.lua': 'text' },
    banner: { js: '#!/usr/bin/env node' },
  },
]);
