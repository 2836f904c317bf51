/**
 * Lets tests run the TypeScript sources (src/) without a build: a `.lua` file imports as its text, as tsup's
 * `loader: { '.lua': 'text' }` does for dist/. Used with `node --import tsx --import ./test/support/luaText.mjs`.
 */
import { readFileSync } from 'node:fs';
import Module, { register } from 'node:module';

// tsx compiles src/ to CommonJS-style requires in some paths: answer those with the text too.
Module._extensions['.lua'] = (module, filename) => {
  module.exports = readFileSync(filename, 'utf8');
};

register('./luaTextHooks.mjs', import.meta.url);
