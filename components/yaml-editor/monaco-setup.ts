/**
 * Monaco, bundled with the app and never fetched from a CDN: the editor API and only the pieces
 * a YAML editor needs are imported from the `monaco-editor` package (its per-feature ESM entry
 * points), so the bundler includes them and nothing else (no TypeScript, JSON, CSS or HTML
 * language services, whose workers would weigh megabytes).
 *
 * Workers: Monaco's one worker here is the editor worker, which finds links (an S3 endpoint URL
 * becomes clickable) and invisible or look-alike Unicode characters (a non-breaking space in a
 * YAML key is a classic mistake); YAML's highlighting is a Monarch tokenizer on the main thread. `getWorker`
 * returns the bundled `editor.worker` as a module worker served from the app's own origin, so a
 * CSP with `worker-src 'self'` (or `script-src 'self'`, which it falls back to) allows it — no
 * `blob:` worker and no fetch from elsewhere. Import this module only in the browser.
 *
 * @see https://github.com/microsoft/monaco-editor/blob/main/docs/integrate-esm.md
 * @see https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Content-Security-Policy/worker-src
 */
import * as monaco from "monaco-editor/editor/editor.api.js";
import "monaco-editor/features/codicon/register.js";
import "monaco-editor/features/bracketMatching/register.js";
import "monaco-editor/features/clipboard/register.js";
import "monaco-editor/features/comment/register.js";
import "monaco-editor/features/contextmenu/register.js";
import "monaco-editor/features/cursorUndo/register.js";
import "monaco-editor/features/find/register.js";
import "monaco-editor/features/folding/register.js";
import "monaco-editor/features/hover/register.js";
import "monaco-editor/features/indentation/register.js";
import "monaco-editor/features/linesOperations/register.js";
import "monaco-editor/features/links/register.js";
import "monaco-editor/features/multicursor/register.js";
import "monaco-editor/features/unicodeHighlighter/register.js";
import "monaco-editor/features/wordHighlighter/register.js";
import "monaco-editor/languages/definitions/yaml/register.js";

self.MonacoEnvironment = {
  getWorker: () =>
    new Worker(new URL("monaco-editor/editor/editor.worker.js", import.meta.url), {
      type: "module",
      name: "monaco-editor-worker",
    }),
};

export { monaco };
