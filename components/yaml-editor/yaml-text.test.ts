import { describe, expect, it } from "vitest";
import { parseYaml, toYaml } from "./yaml-text";

describe("toYaml / parseYaml", () => {
  it("round-trips a document without losing fields or types", () => {
    const document = {
      apiVersion: "kafka.pilothouse.dev/v1alpha1",
      kind: "KafkaTopic",
      metadata: { name: "orders", namespace: "demo" },
      spec: {
        clusterName: "events",
        partitions: 3,
        configs: { "retention.ms": "604800000", "cleanup.policy": "compact" },
        unknownField: [true, null, 1.5],
      },
    };
    const parsed = parseYaml(toYaml(document));
    expect(parsed).toEqual({ ok: true, value: document });
  });

  it("keeps numeric strings strings", () => {
    expect(toYaml({ a: "604800000" })).toContain('"604800000"');
  });

  it("refuses what is not one mapping, with the line of a syntax error", () => {
    expect(parseYaml("- a\n- b").ok).toBe(false);
    expect(parseYaml("a: 1\n---\nb: 2").ok).toBe(false);
    const broken = parseYaml("a: 1\nb: [\n");
    expect(broken.ok).toBe(false);
    if (!broken.ok) expect(broken.line).toBeGreaterThan(0);
    expect(parseYaml("a: 1\na: 2").ok).toBe(false);
  });
});

describe("parseYaml messages", () => {
  it("ends a syntax error's message without the parser's trailing colon", () => {
    const broken = parseYaml("a: 1\n  b: 2\nc: [\n");
    expect(broken.ok).toBe(false);
    if (!broken.ok) {
      expect(broken.message.length).toBeGreaterThan(0);
      expect(broken.message).not.toMatch(/[:.\s]$/);
    }
  });
});
