import "server-only";
import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from "node:crypto";
import { WireWriter, type WireConnection, type WireReader } from "./wire";

/**
 * SASL/SCRAM-SHA-512 client authentication on a {@link WireConnection}: SaslHandshake v1, then
 * the RFC 5802 exchange in two SaslAuthenticate v1 requests.
 *
 * @see https://kafka.apache.org/protocol#sasl_handshake
 * @see https://datatracker.ietf.org/doc/html/rfc5802#section-3
 */

const SASL_HANDSHAKE = 17;
const SASL_AUTHENTICATE = 36;
const DIGEST = "sha512";
const KEY_LENGTH = 64; // bytes of a SHA-512 digest

/** Thrown when the broker refuses the credentials (Kafka error 58, SASL_AUTHENTICATION_FAILED). */
export class SaslAuthenticationError extends Error {}

/** PBKDF2-HMAC-SHA-512 of `password`: SCRAM's SaltedPassword (`Hi()`), 64 bytes. */
export function saltedPassword(password: string, salt: Buffer, iterations: number): Buffer {
  return pbkdf2Sync(password, salt, iterations, KEY_LENGTH, DIGEST);
}

const hmac = (key: Buffer, text: string) => createHmac(DIGEST, key).update(text).digest();

function saslName(name: string): string {
  return name.replaceAll("=", "=3D").replaceAll(",", "=2C");
}

async function authenticate(connection: WireConnection, message: string): Promise<string> {
  const reader = await connection.send({
    apiKey: SASL_AUTHENTICATE,
    apiVersion: 1,
    flexible: false,
    body: new WireWriter().bytes(Buffer.from(message, "utf8")).build(),
  });
  const errorCode = reader.int16();
  const errorMessage = reader.string();
  const bytes = reader.bytes();
  if (errorCode === 58) throw new SaslAuthenticationError(errorMessage ?? "authentication failed");
  if (errorCode !== 0)
    throw new Error(`SaslAuthenticate failed: error ${errorCode} ${errorMessage ?? ""}`);
  return bytes.toString("utf8");
}

function attributes(message: string): Map<string, string> {
  return new Map(
    message.split(",").map((part) => [part.slice(0, 1), part.slice(2)] as [string, string]),
  );
}

/**
 * Authenticates `connection` as `username` with SCRAM-SHA-512.
 *
 * @throws SaslAuthenticationError when the broker refuses the credentials; Error when the
 *   listener does not offer SCRAM-SHA-512 or the server's signature does not verify.
 */
export async function scramAuthenticate(
  connection: WireConnection,
  username: string,
  password: string,
): Promise<void> {
  const handshake: WireReader = await connection.send({
    apiKey: SASL_HANDSHAKE,
    apiVersion: 1,
    flexible: false,
    body: new WireWriter().string("SCRAM-SHA-512").build(),
  });
  const handshakeError = handshake.int16();
  if (handshakeError !== 0) {
    throw new Error(`the listener does not offer SCRAM-SHA-512 (error ${handshakeError})`);
  }
  const clientNonce = randomBytes(24).toString("base64url");
  const clientFirstBare = `n=${saslName(username)},r=${clientNonce}`;
  const serverFirst = await authenticate(connection, `n,,${clientFirstBare}`);
  const server = attributes(serverFirst);
  const nonce = server.get("r") ?? "";
  const salt = Buffer.from(server.get("s") ?? "", "base64");
  const iterations = Number(server.get("i"));
  if (!nonce.startsWith(clientNonce) || !Number.isInteger(iterations)) {
    throw new Error("malformed SCRAM server-first message");
  }
  const salted = saltedPassword(password, salt, iterations);
  const clientKey = hmac(salted, "Client Key");
  const storedKey = createHash(DIGEST).update(clientKey).digest();
  const clientFinalBare = `c=biws,r=${nonce}`;
  const authMessage = `${clientFirstBare},${serverFirst},${clientFinalBare}`;
  const signature = hmac(storedKey, authMessage);
  const proof = Buffer.from(clientKey.map((byte, index) => byte ^ (signature[index] ?? 0)));
  const serverFinal = attributes(
    await authenticate(connection, `${clientFinalBare},p=${proof.toString("base64")}`),
  );
  const expected = hmac(hmac(salted, "Server Key"), authMessage);
  const received = Buffer.from(serverFinal.get("v") ?? "", "base64");
  if (received.length !== expected.length || !timingSafeEqual(received, expected)) {
    throw new Error("the broker's SCRAM server signature does not verify");
  }
}
