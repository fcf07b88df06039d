import type { Metadata } from "next";
import { LazyNotFoundPanel } from "@/components/errors/boundary-panels";

export const metadata: Metadata = { title: "Not found" };

/** The app's own 404 page: unknown URLs, invalid names, objects that do not exist. */
export default function NotFound() {
  return <LazyNotFoundPanel />;
}
