/** Lua scripts are bundled as text (see tsup.config.ts). */
declare module '*.lua' {
  const source: string;
  export default source;
}
