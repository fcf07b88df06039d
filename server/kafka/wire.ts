import "server-only";
import { connect as tcpConnect, type Socket } from "node:net";
import { connect as tlsConnect, type ConnectionOptions } from "node:tls";

/**
 * A minimal Kafka wire-protocol connection for the few requests kafkajs 2.2.4 does not implement
 * (SCRAM credential management, KIP-554). One request in flight at a time; size-prefixed frames.
 *
 * @see https://kafka.apache.org/protocol#protocol_common
 */

/** Builds a request or response body field by field (big-endian, Kafka's encodings). */
export class WireWriter {
  private readonly parts: Buffer[] = [];
  int8(value: number): this {
    return this.push(Buffer.from([value & 0xff]));
  }
  int16(value: number): this {
    const buffer = Buffer.alloc(2);
    buffer.writeInt16BE(value);
    return this.push(buffer);
  }
  int32(value: number): this {
    const buffer = Buffer.alloc(4);
    buffer.writeInt32BE(value);
    return this.push(buffer);
  }
  uvarint(value: number): this {
    const bytes: number[] = [];
    let rest = value;
    while (rest >= 0x80) {
      bytes.push((rest & 0x7f) | 0x80);
      rest >>>= 7;
    }
    bytes.push(rest);
    return this.push(Buffer.from(bytes));
  }
  /** STRING / NULLABLE_STRING: int16 length (-1 for null), then UTF-8. */
  string(value: string | null): this {
    if (value === null) return this.int16(-1);
    const bytes = Buffer.from(value, "utf8");
    return this.int16(bytes.length).push(bytes);
  }
  /** BYTES: int32 length, then the bytes. */
  bytes(value: Buffer): this {
    return this.int32(value.length).push(value);
  }
  /** COMPACT_STRING: unsigned varint length + 1, then UTF-8. */
  compactString(value: string): this {
    return this.compactBytes(Buffer.from(value, "utf8"));
  }
  compactBytes(value: Buffer): this {
    return this.uvarint(value.length + 1).push(value);
  }
  /** An empty tagged-field section (flexible versions). */
  noTags(): this {
    return this.uvarint(0);
  }
  push(buffer: Buffer): this {
    this.parts.push(buffer);
    return this;
  }
  build(): Buffer {
    return Buffer.concat(this.parts);
  }
}

/** Reads a response body field by field. */
export class WireReader {
  private offset = 0;
  constructor(private readonly buffer: Buffer) {}
  int16(): number {
    const value = this.buffer.readInt16BE(this.offset);
    this.offset += 2;
    return value;
  }
  int32(): number {
    const value = this.buffer.readInt32BE(this.offset);
    this.offset += 4;
    return value;
  }
  int64(): bigint {
    const value = this.buffer.readBigInt64BE(this.offset);
    this.offset += 8;
    return value;
  }
  uvarint(): number {
    let value = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = this.buffer.readUInt8(this.offset++);
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
    }
  }
  string(): string | null {
    const length = this.int16();
    return length < 0 ? null : this.take(length).toString("utf8");
  }
  bytes(): Buffer {
    return this.take(this.int32());
  }
  compactString(): string | null {
    const length = this.uvarint() - 1;
    return length < 0 ? null : this.take(length).toString("utf8");
  }
  /** Skips a tagged-field section. */
  skipTags(): void {
    for (let count = this.uvarint(); count > 0; count--) {
      this.uvarint();
      this.take(this.uvarint());
    }
  }
  private take(length: number): Buffer {
    const slice = this.buffer.subarray(this.offset, this.offset + length);
    this.offset += length;
    return slice;
  }
}

/** One request: API key and version, and whether that version uses the flexible header (v2). */
export interface WireRequest {
  apiKey: number;
  apiVersion: number;
  flexible: boolean;
  body: Buffer;
}

/** A connection to one broker: `send` returns the response body after the response header. */
export interface WireConnection {
  send(request: WireRequest): Promise<WireReader>;
  close(): void;
}

/**
 * Opens a TCP (or TLS, with `options.tls`) connection to `address` (`host:port`). A TLS
 * connection resolves once the handshake succeeded, so an untrusted certificate is an error here.
 *
 * @throws Error when the connection fails or `timeoutMs` (milliseconds) passes without an answer.
 */
export async function openWireConnection(
  address: string,
  options: {
    /** `node:tls` options (see `tlsConnectionOptions`); plaintext when unset. */
    tls?: ConnectionOptions;
    clientId: string;
    timeoutMs: number;
  },
): Promise<WireConnection> {
  const separator = address.lastIndexOf(":");
  const host = address.slice(0, separator);
  const port = Number(address.slice(separator + 1));
  const socket: Socket = await new Promise((resolve, reject) => {
    const opened = options.tls
      ? tlsConnect({ ...options.tls, host, port }, () => resolve(opened))
      : tcpConnect({ host, port }, () => resolve(opened));
    opened.once("error", reject);
    opened.setTimeout(options.timeoutMs, () => {
      opened.destroy(
        new Error(`Kafka broker ${address} did not answer in ${options.timeoutMs} ms`),
      );
    });
  });
  let correlationId = 0;
  let pending = Buffer.alloc(0);
  let waiting: { resolve: (frame: Buffer) => void; reject: (error: Error) => void } | undefined;
  socket.on("data", (chunk: Buffer) => {
    pending = Buffer.concat([pending, chunk]);
    if (pending.length < 4) return;
    const size = pending.readInt32BE(0);
    if (pending.length < 4 + size) return;
    const frame = pending.subarray(4, 4 + size);
    pending = pending.subarray(4 + size);
    waiting?.resolve(frame);
    waiting = undefined;
  });
  socket.on("error", (error) => waiting?.reject(error));
  socket.on("close", () => waiting?.reject(new Error(`connection to ${address} closed`)));
  return {
    async send(request) {
      const id = ++correlationId;
      const header = new WireWriter()
        .int16(request.apiKey)
        .int16(request.apiVersion)
        .int32(id)
        .string(options.clientId);
      if (request.flexible) header.noTags();
      const payload = Buffer.concat([header.build(), request.body]);
      const frame = await new Promise<Buffer>((resolve, reject) => {
        waiting = { resolve, reject };
        socket.write(new WireWriter().int32(payload.length).push(payload).build());
      });
      const reader = new WireReader(frame);
      if (reader.int32() !== id) throw new Error("Kafka response out of order");
      if (request.flexible) reader.skipTags();
      return reader;
    },
    close() {
      socket.destroy();
    },
  };
}
