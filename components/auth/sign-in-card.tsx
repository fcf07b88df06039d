"use client";

import {
  Alert,
  Bullseye,
  Button,
  Card,
  CardBody,
  CardFooter,
  CardTitle,
  Content,
} from "@patternfly/react-core";
import { signIn } from "next-auth/react";
import { useState } from "react";

/** next-auth's error codes on the sign-in page, in words. */
const ERRORS: Record<string, string> = {
  AccessDenied:
    "Your account cannot use Pilothouse: the identity provider gave no email address, or a reserved (system:) name.",
  OAuthCallback: "Signing in with the identity provider failed. Try again.",
  OAuthSignin: "The identity provider could not be reached. Try again.",
  SessionRequired: "Sign in to continue.",
  SessionExpired: "Your session has ended: the identity provider did not renew it. Sign in again.",
};

/**
 * The sign-in page's card: one button that starts the OpenID Connect flow at the provider
 * (whose own page asks for the login and password).
 */
export function SignInCard({ callbackUrl, error }: { callbackUrl: string; error?: string }) {
  const [busy, setBusy] = useState(false);
  return (
    <Bullseye style={{ minHeight: "100vh" }}>
      <Card style={{ maxWidth: "28rem" }}>
        <CardTitle component="h1">Sign in to Pilothouse</CardTitle>
        <CardBody>
          <Content component="p">
            Pilothouse acts on Kubernetes as you: what you may see and change is decided by your
            Kubernetes RBAC.
          </Content>
          {error ? (
            <Alert
              isInline
              variant="danger"
              title={ERRORS[error] ?? "Signing in failed. Try again."}
            />
          ) : null}
        </CardBody>
        <CardFooter>
          <Button
            isBlock
            isLoading={busy}
            onClick={() => {
              setBusy(true);
              void signIn("oidc", { callbackUrl });
            }}
          >
            Sign in with Pilothouse ID
          </Button>
        </CardFooter>
      </Card>
    </Bullseye>
  );
}
