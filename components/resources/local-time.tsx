"use client";

/**
 * A timestamp in the browser's local time format (`toLocaleString()`), as every detail page
 * shows times, in a `<time>` element carrying the ISO value; "—" when absent or unparsable.
 */
export function LocalTime({ value }: { value: string | undefined }) {
  if (!value || Number.isNaN(Date.parse(value))) return <>—</>;
  return <time dateTime={value}>{new Date(value).toLocaleString()}</time>;
}
