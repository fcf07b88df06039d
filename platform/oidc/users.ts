/**
 * Demo users of the local OpenID provider. Passwords are public demo values, printed by
 * `./pilothouse up`; the provider only runs on loopback. Each user's `groups` claim drives
 * Kubernetes RBAC through the dashboard's impersonation (see platform/manifests/demo-rbac.yaml).
 */
export interface DemoUser {
  /** The login and the `email` claim; also the Kubernetes user name the dashboard impersonates. */
  email: string;
  password: string;
  name: string;
  /** The `groups` claim, in this order. */
  groups: string[];
  /** What the user may do, for the start-up banner. */
  role: string;
}

export const DEMO_USERS: readonly DemoUser[] = [
  {
    email: "alice@pilothouse.dev",
    password: "alice-demo",
    name: "Alice Operator",
    groups: ["pilothouse:operators"],
    role: "operator: creates and operates clusters in namespace demo",
  },
  {
    email: "bob@pilothouse.dev",
    password: "bob-demo",
    name: "Bob Viewer",
    groups: ["pilothouse:viewers"],
    role: "viewer: read-only in namespace demo",
  },
  {
    email: "carol@pilothouse.dev",
    password: "carol-demo",
    name: "Carol Admin",
    groups: ["pilothouse:admins"],
    role: "admin: everything in every namespace",
  },
  {
    email: "dana@pilothouse.dev",
    password: "dana-demo",
    name: "Dana Payments",
    groups: ["team-payments", "pilothouse:operators"],
    role: "operator in namespace demo through her second group",
  },
];

export function findUser(email: string): DemoUser | undefined {
  return DEMO_USERS.find((u) => u.email === email.trim().toLowerCase());
}
