"use client";

import {
  Button,
  Flex,
  FlexItem,
  FormHelperText,
  HelperText,
  HelperTextItem,
  TextInput,
} from "@patternfly/react-core";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Dns1123LabelSchema } from "@/lib/crds/common";

/** Why `value` cannot be a namespace name, or `null` when it can (a DNS-1123 label). */
export function namespaceProblem(value: string): string | null {
  const parsed = Dns1123LabelSchema.safeParse(value.trim());
  return parsed.success ? null : `Not a namespace name: ${parsed.error.issues[0]?.message ?? ""}`;
}

const ERROR_ID = "namespace-filter-error";

/**
 * Chooses the namespace shown (kept in the URL as `?namespace=`, so that views can be shared).
 * A value that cannot be a namespace is refused with the reason, instead of silently showing the
 * old one.
 *
 * @param path - the page to show the namespace on, e.g. `/kafkatopics`.
 */
export function NamespacePicker({ namespace, path }: { namespace: string; path: string }) {
  const router = useRouter();
  const [value, setValue] = useState(namespace);
  const [problem, setProblem] = useState<string | null>(null);
  return (
    <form
      noValidate
      role="search"
      aria-label="Namespace"
      onSubmit={(event) => {
        event.preventDefault();
        const found = namespaceProblem(value);
        setProblem(found);
        if (!found) router.push(`${path}?namespace=${encodeURIComponent(value.trim())}`);
      }}
    >
      <Flex flexWrap={{ default: "nowrap" }} spaceItems={{ default: "spaceItemsSm" }}>
        <FlexItem>
          <TextInput
            aria-label="Namespace"
            value={value}
            onChange={(_event, next) => setValue(next)}
            validated={problem ? "error" : "default"}
            aria-invalid={problem ? true : undefined}
            aria-describedby={problem ? ERROR_ID : undefined}
            style={{ width: "12rem" }}
          />
          {problem ? (
            <FormHelperText>
              <HelperText isLiveRegion>
                <HelperTextItem id={ERROR_ID} variant="error" data-testid="namespace-error">
                  {problem}
                </HelperTextItem>
              </HelperText>
            </FormHelperText>
          ) : null}
        </FlexItem>
        <FlexItem>
          <Button type="submit" variant="secondary">
            Show
          </Button>
        </FlexItem>
      </Flex>
    </form>
  );
}
