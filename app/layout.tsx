import "@patternfly/react-core/dist/styles/base.css";
import type { Metadata } from "next";
import type { ReactNode } from "react";
import { Providers } from "@/components/providers";

export const metadata: Metadata = {
  title: { default: "Pilothouse", template: "%s · Pilothouse" },
  description: "Operate managed MySQL and Kafka on Kubernetes.",
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <Providers>{children}</Providers>
      </body>
    </html>
  );
}
