"use client";

import dynamic from "next/dynamic";

/**
 * The root error and not-found boundaries' panels, loaded when a boundary renders. Imported
 * statically, their PatternFly CSS (Page, EmptyState) would be part of the root layout's
 * boundaries, which Next.js preloads on every page (`<link rel="preload" as="style">`): on a page
 * that uses neither, such as sign-in, Chromium then warns that a preloaded stylesheet went unused.
 * Through `next/dynamic` the stylesheets come with the panel, only when it is shown.
 */
export const LazyNotFoundPanel = dynamic(() =>
  import("./not-found-panel").then((m) => m.NotFoundPanel),
);

/** The panel of `app/error.tsx`; see {@link LazyNotFoundPanel}. */
export const LazyPageError = dynamic(() => import("./page-error").then((m) => m.PageError));
