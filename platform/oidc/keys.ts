/**
 * Signing and cookie keys of the local OpenID provider, created once and kept in a file so that
 * sessions and tokens survive a restart of the provider.
 */
import { generateKeyPairSync, randomBytes, randomUUID } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { z } from "zod";

const KeysSchema = z.object({
  jwk: z.record(z.string(), z.unknown()),
  cookieKeys: z.array(z.string()).min(1),
});
export type Keys = z.infer<typeof KeysSchema>;

/**
 * Reads the keys from `file`, or creates an RS256 key pair and a cookie key and writes them there
 * (mode 0600).
 */
export function loadOrCreateKeys(file: string): Keys {
  if (existsSync(file)) return KeysSchema.parse(JSON.parse(readFileSync(file, "utf8")));
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const keys: Keys = {
    jwk: { ...privateKey.export({ format: "jwk" }), kid: randomUUID(), use: "sig", alg: "RS256" },
    cookieKeys: [randomBytes(32).toString("base64url")],
  };
  writeFileSync(file, JSON.stringify(keys), { mode: 0o600 });
  return keys;
}
