"use client";

import { Skeleton } from "@patternfly/react-core";
import dynamic from "next/dynamic";
import type { MonacoYamlEditorProps } from "./monaco-yaml-editor";

/**
 * The YAML editor: Monaco, loaded on the client only (it needs `window`) and in its own chunk,
 * so pages without it do not download it.
 */
export const YamlEditor = dynamic<MonacoYamlEditorProps>(() => import("./monaco-yaml-editor"), {
  ssr: false,
  loading: () => <Skeleton height="480px" screenreaderText="Loading the YAML editor…" />,
});
