import "server-only";
// @peculiar/x509 resolves its algorithms through tsyringe, which needs the Reflect metadata API.
import "reflect-metadata";
import { X509Certificate as NodeX509Certificate, webcrypto } from "node:crypto";
import { isIP } from "node:net";
import * as x509 from "@peculiar/x509";

/**
 * The cluster CA and broker certificates of a KafkaCluster's TLS listeners: ECDSA P-256 keys,
 * SHA-256 signatures, PEM with PKCS#8 private keys (what Kafka's PEM key store reads).
 *
 * @see https://kafka.apache.org/documentation/#security_ssl
 * @see https://cwiki.apache.org/confluence/display/KAFKA/KIP-651+-+Support+PEM+format+for+SSL+certificates+and+private+key
 */

const KEY_ALGORITHM = { name: "ECDSA", namedCurve: "P-256" } as const;
const SIGNING_ALGORITHM = { name: "ECDSA", hash: "SHA-256" } as const;
const DAY_MS = 24 * 60 * 60 * 1000;
/** Validity of the cluster CA (10 years) and of a broker certificate (1 year). */
export const CA_VALIDITY_DAYS = 3650;
export const BROKER_VALIDITY_DAYS = 365;
/** A broker certificate is issued again when it expires within this many days. */
export const BROKER_RENEW_BEFORE_DAYS = 30;

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

/** A certificate and its private key, both PEM (`-----BEGIN CERTIFICATE-----`, PKCS#8 key). */
export interface PemKeyPair {
  certificate: string;
  privateKey: string;
}

async function newKeys(): Promise<CryptoKeyPair> {
  return webcrypto.subtle.generateKey(KEY_ALGORITHM, true, ["sign", "verify"]);
}

async function privateKeyPem(key: CryptoKey): Promise<string> {
  const der = await webcrypto.subtle.exportKey("pkcs8", key);
  return `${x509.PemConverter.encode(der, "PRIVATE KEY")}\n`;
}

function serialNumber(): string {
  // Positive (high bit clear), 16 random bytes as RFC 5280 §4.1.2.2 allows (at most 20 octets).
  const bytes = webcrypto.getRandomValues(new Uint8Array(16));
  bytes[0] = (bytes[0] ?? 0) & 0x7f;
  return Buffer.from(bytes).toString("hex");
}

/**
 * A new self-signed cluster CA named `CN=<commonName>`, valid `CA_VALIDITY_DAYS` from `now`
 * (one hour back, for clock skew). Only signs certificates (path length 0).
 */
export async function createClusterCa(commonName: string, now: Date): Promise<PemKeyPair> {
  const keys = await newKeys();
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serialNumber(),
    name: [{ CN: [commonName] }, { O: ["Pilothouse"] }],
    notBefore: new Date(now.getTime() - 60 * 60 * 1000),
    notAfter: new Date(now.getTime() + CA_VALIDITY_DAYS * DAY_MS),
    signingAlgorithm: SIGNING_ALGORITHM,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
        true,
      ),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return {
    certificate: `${certificate.toString("pem")}\n`,
    privateKey: await privateKeyPem(keys.privateKey),
  };
}

/**
 * A server certificate signed by `ca` for `names` (DNS names and IP addresses, told apart with
 * `net.isIP`; the first is the common name), valid `BROKER_VALIDITY_DAYS` from `now`, for TLS
 * server and client authentication.
 *
 * @throws Error when `names` is empty or the CA key is not a PKCS#8 P-256 key.
 */
export async function issueServerCertificate(
  ca: PemKeyPair,
  names: readonly string[],
  now: Date,
): Promise<PemKeyPair> {
  const [commonName] = names;
  if (commonName === undefined) throw new Error("a server certificate needs at least one name");
  const caCertificate = new x509.X509Certificate(ca.certificate);
  const caKey = await webcrypto.subtle.importKey(
    "pkcs8",
    x509.PemConverter.decodeFirst(ca.privateKey),
    KEY_ALGORITHM,
    false,
    ["sign"],
  );
  const keys = await newKeys();
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: serialNumber(),
    subject: [{ CN: [commonName.slice(0, 64)] }, { O: ["Pilothouse"] }],
    issuer: caCertificate.subject,
    notBefore: new Date(now.getTime() - 60 * 60 * 1000),
    notAfter: new Date(now.getTime() + BROKER_VALIDITY_DAYS * DAY_MS),
    signingAlgorithm: SIGNING_ALGORITHM,
    publicKey: keys.publicKey,
    signingKey: caKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([
        x509.ExtendedKeyUsage.serverAuth,
        x509.ExtendedKeyUsage.clientAuth,
      ]),
      new x509.SubjectAlternativeNameExtension(
        names.map((value) => ({ type: isIP(value) ? ("ip" as const) : ("dns" as const), value })),
      ),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(caCertificate),
    ],
  });
  return {
    certificate: `${certificate.toString("pem")}\n`,
    privateKey: await privateKeyPem(keys.privateKey),
  };
}

/**
 * The PEM key store file of a broker (`ssl.keystore.type=PEM`, `ssl.keystore.location`): its
 * PKCS#8 private key, then its certificate chain up to the CA.
 *
 * @see https://kafka.apache.org/documentation/#brokerconfigs_ssl.keystore.location
 */
export function keyStorePem(server: PemKeyPair, caCertificate: string): string {
  return `${server.privateKey}${server.certificate}${caCertificate}`;
}

/**
 * Whether `certificatePem` can be kept: signed by `caPem`, naming exactly `names` (any order),
 * and valid for more than `BROKER_RENEW_BEFORE_DAYS` after `now`.
 */
export function certificateStillFits(
  certificatePem: string,
  caPem: string,
  names: readonly string[],
  now: Date,
): boolean {
  try {
    const certificate = new NodeX509Certificate(certificatePem);
    const ca = new NodeX509Certificate(caPem);
    if (!certificate.checkIssued(ca) || !certificate.verify(ca.publicKey)) return false;
    const renewAt = Date.parse(certificate.validTo) - BROKER_RENEW_BEFORE_DAYS * DAY_MS;
    if (now.getTime() >= renewAt) return false;
    const present = (certificate.subjectAltName ?? "")
      .split(", ")
      .map((entry) => entry.replace(/^(DNS|IP Address):/, ""))
      .sort();
    const wanted = [...new Set(names)].sort();
    return present.length === wanted.length && present.every((name, i) => name === wanted[i]);
  } catch {
    return false;
  }
}
