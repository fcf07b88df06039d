"use client";

import { useEffect, useRef } from "react";
import { monaco } from "./monaco-setup";

/** Props of {@link MonacoYamlEditor}. */
export interface MonacoYamlEditorProps {
  value: string;
  onChange: (value: string) => void;
  /** The editor's accessible name (the label of its text area). */
  ariaLabel: string;
  readOnly?: boolean;
  /** Height in CSS pixels. */
  height?: number;
}

/**
 * Monaco in YAML mode, created on the bundled `monaco-editor` (see `monaco-setup.ts`). The
 * text is controlled: a `value` that differs from the editor's (the form changed the document)
 * replaces it; every edit is reported through `onChange`. Loaded only in the browser (see
 * `yaml-editor.tsx`).
 */
export default function MonacoYamlEditor({
  value,
  onChange,
  ariaLabel,
  readOnly = false,
  height = 480,
}: MonacoYamlEditorProps) {
  const container = useRef<HTMLDivElement>(null);
  const editor = useRef<monaco.editor.IStandaloneCodeEditor | null>(null);
  const latest = useRef({ value, onChange });
  useEffect(() => {
    latest.current = { value, onChange };
  });

  useEffect(() => {
    if (!container.current) return;
    const created = monaco.editor.create(container.current, {
      value: latest.current.value,
      language: "yaml",
      ariaLabel,
      readOnly,
      minimap: { enabled: false },
      tabSize: 2,
      insertSpaces: true,
      autoIndent: "keep",
      autoClosingBrackets: "never",
      autoClosingQuotes: "never",
      scrollBeyondLastLine: false,
      automaticLayout: true,
      wordWrap: "on",
      fixedOverflowWidgets: true,
    });
    const subscription = created.onDidChangeModelContent(() => {
      const text = created.getValue();
      if (text !== latest.current.value) latest.current.onChange(text);
    });
    editor.current = created;
    return () => {
      subscription.dispose();
      created.getModel()?.dispose();
      created.dispose();
      editor.current = null;
    };
    // Created once; value and options follow in the effects below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    const current = editor.current;
    if (current && current.getValue() !== value) current.setValue(value);
  }, [value]);

  useEffect(() => {
    editor.current?.updateOptions({ readOnly, ariaLabel });
  }, [readOnly, ariaLabel]);

  return (
    <div
      ref={container}
      style={{ height, border: "1px solid var(--pf-t--global--border--color--default)" }}
      data-testid="yaml-editor"
    />
  );
}
