// The types of lint/import-rules.js (plain JavaScript: eslint.config.js loads it without a compiler).
import type { ESLint } from 'eslint';

declare const imports: ESLint.Plugin;
export default imports;
