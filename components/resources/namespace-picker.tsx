"use client";

import {
  Button,
  Flex,
  FlexItem,
  FormHelperText,
  HelperText,
  HelperTextItem,
  MenuToggle,
  Select,
  SelectList,
  SelectOption,
  TextInputGroup,
  TextInputGroupMain,
} from "@patternfly/react-core";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Dns1123LabelSchema } from "@/lib/crds/common";
import { ALL_NAMESPACES_PARAM } from "./list-query";
import { useVisibleNamespaces } from "./use-resources";

/** Why `value` cannot be a namespace name, or `null` when it can (a DNS-1123 label). */
export function namespaceProblem(value: string): string | null {
  const parsed = Dns1123LabelSchema.safeParse(value.trim());
  return parsed.success ? null : `Not a namespace name: ${parsed.error.issues[0]?.message ?? ""}`;
}

const ERROR_ID = "namespace-filter-error";
const ALL_TEXT = "All namespaces";
/** The value of the placeholder option shown while the namespaces load (never chosen). */
const LOADING = "\u0000loading";

/**
 * Chooses the namespace shown (kept in the URL as `?namespace=`, so that views can be shared),
 * from the namespaces the user may see (`GET /api/v1/namespaces`: a user bound only by
 * RoleBindings gets theirs without any right to list namespaces), with "All namespaces" when
 * the page supports it. A name can also be typed and shown with "Show" (a namespace the list
 * does not name, e.g. for an administrator); one that cannot be a namespace is refused with the
 * reason, instead of silently showing the old one. Escape drops a typed name.
 *
 * @param namespace - the namespace shown, `""` for all.
 * @param path - the page to show the namespace on, e.g. `/kafkatopics`.
 * @param allowAll - offer "All namespaces" (`?namespace=*`).
 */
export function NamespacePicker({
  namespace,
  path,
  allowAll = false,
}: {
  namespace: string;
  path: string;
  allowAll?: boolean;
}) {
  const router = useRouter();
  const visible = useVisibleNamespaces();
  const shown = namespace === "" ? ALL_TEXT : namespace;
  const [value, setValue] = useState(shown);
  const [open, setOpen] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const names = [...new Set([...(visible.data?.items ?? []), ...(namespace ? [namespace] : [])])];
  names.sort();
  const typed = value.trim().toLowerCase();
  const filtered = value === shown ? names : names.filter((n) => n.includes(typed));
  const go = (choice: string) => {
    setOpen(false);
    setProblem(null);
    setValue(choice === "" ? ALL_TEXT : choice);
    const param = choice === "" ? ALL_NAMESPACES_PARAM : choice;
    router.push(`${path}?namespace=${encodeURIComponent(param)}`);
  };
  return (
    <form
      noValidate
      role="search"
      aria-label="Namespace"
      onKeyDown={(event) => {
        // Escape closes the menu (PatternFly) and drops what was typed: the namespace shown
        // is still the one the input says.
        if (event.key === "Escape") {
          setValue(shown);
          setProblem(null);
        }
      }}
      onSubmit={(event) => {
        event.preventDefault();
        if (allowAll && value.trim() === ALL_TEXT) return go("");
        const found = namespaceProblem(value);
        setProblem(found);
        if (!found) go(value.trim());
      }}
    >
      <Flex flexWrap={{ default: "nowrap" }} spaceItems={{ default: "spaceItemsSm" }}>
        <FlexItem>
          <Select
            isOpen={open}
            selected={namespace}
            onSelect={(_event, choice) => {
              if (choice !== LOADING) go(String(choice ?? ""));
            }}
            onOpenChange={setOpen}
            toggle={(ref) => (
              <MenuToggle
                ref={ref}
                variant="typeahead"
                onClick={() => setOpen(!open)}
                isExpanded={open}
                status={problem ? "danger" : undefined}
                style={{ width: "14rem" }}
                data-testid="namespace-picker"
              >
                <TextInputGroup isPlain>
                  <TextInputGroupMain
                    aria-label="Namespace"
                    value={value}
                    autoComplete="off"
                    onClick={() => setOpen(true)}
                    onChange={(_event, next) => {
                      setValue(next);
                      setOpen(true);
                    }}
                    aria-invalid={problem ? true : undefined}
                    aria-describedby={problem ? ERROR_ID : undefined}
                  />
                </TextInputGroup>
              </MenuToggle>
            )}
          >
            <SelectList aria-label="Namespaces">
              {allowAll ? (
                <SelectOption value="" isSelected={namespace === ""}>
                  {ALL_TEXT}
                </SelectOption>
              ) : null}
              {visible.isPending ? (
                <SelectOption value={LOADING} isDisabled>
                  Loading namespaces…
                </SelectOption>
              ) : null}
              {filtered.map((name) => (
                <SelectOption key={name} value={name} isSelected={name === namespace}>
                  {name}
                </SelectOption>
              ))}
            </SelectList>
          </Select>
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
