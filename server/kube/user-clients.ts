import "server-only";
import {
  AuthenticationV1Api,
  AuthorizationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  type KubeConfig,
  Watch,
} from "@kubernetes/client-node";
import type { UserIdentity } from "../auth/identity";
import type { UserKubeClients } from "./client";

/**
 * The set of API clients the dashboard uses, all made from one KubeConfig: whatever identity
 * that KubeConfig carries (impersonation headers, the user's ID token, or its own credentials)
 * is what the apiserver sees.
 *
 * @param identity - who the clients act for, as the dashboard's logs and audit name them.
 */
export function userClientsFrom(kc: KubeConfig, identity: UserIdentity): UserKubeClients {
  return {
    identity,
    customObjects: kc.makeApiClient(CustomObjectsApi),
    authorization: kc.makeApiClient(AuthorizationV1Api),
    authentication: kc.makeApiClient(AuthenticationV1Api),
    core: kc.makeApiClient(CoreV1Api),
    watch: new Watch(kc),
  };
}
