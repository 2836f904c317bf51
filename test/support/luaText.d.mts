/** Types of luaText.mjs: imported for its effect only. */
export {};
