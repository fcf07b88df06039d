/**
 * The YAML view of a form's document: written and read with the `yaml` package (YAML 1.2, the
 * core schema, as kubectl reads manifests), so that the form and the editor hold one document
 * and switching between them loses nothing.
 *
 * @see https://eemeli.org/yaml/
 */
import { parseDocument, stringify } from "yaml";

/** The document as YAML: keys in the document's order, no line folding. */
export function toYaml(document: unknown): string {
  return stringify(document, { lineWidth: 0 });
}

/** A parsed YAML text: the object, or why it is not one (with its 1-based line). */
export type ParsedYaml =
  { ok: true; value: Record<string, unknown> } | { ok: false; message: string; line?: number };

/**
 * Reads the editor's text. Only a single mapping is a document the form can show: a list, a
 * scalar or several documents (`---`) are refused with a message.
 */
export function parseYaml(text: string): ParsedYaml {
  const document = parseDocument(text, { uniqueKeys: true });
  const error = document.errors[0];
  if (error) {
    return {
      ok: false,
      // The parser's first line ends "…at line 3, column 1:" (its excerpt follows): drop the
      // trailing punctuation so the message reads as a sentence part.
      message: (error.message.split("\n")[0] ?? error.message).replace(/[\s:.]+$/, ""),
      line: error.linePos?.[0].line,
    };
  }
  const value: unknown = document.toJS({ maxAliasCount: 50 });
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return {
      ok: false,
      message: "the YAML must be one object (a mapping with apiVersion, kind, metadata and spec)",
    };
  }
  return { ok: true, value: value as Record<string, unknown> };
}
