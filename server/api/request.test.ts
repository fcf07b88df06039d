import { describe, expect, it } from "vitest";
import { jsonDepth, MAX_BODY_BYTES, MAX_JSON_DEPTH, readJsonBody } from "./request";

const JSON_TYPE = { "content-type": "application/json" };

/** A chunked body of `chunks` × 64 KiB made on demand, counting how many chunks were pulled. */
function lazyBody(chunks: number) {
  const chunk = new Uint8Array(64 * 1024).fill(0x20);
  const pulled = { count: 0, cancelled: false };
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (pulled.count >= chunks) return controller.close();
        pulled.count++;
        controller.enqueue(chunk);
      },
      cancel() {
        pulled.cancelled = true;
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, pulled };
}

const post = (body: BodyInit | null, headers: Record<string, string> = JSON_TYPE) =>
  new Request("http://localhost/api", {
    method: "POST",
    headers,
    body,
    duplex: "half",
  } as RequestInit);

describe("readJsonBody", () => {
  it("refuses a body from its Content-Length header without reading it", async () => {
    const { stream, pulled } = lazyBody(3200); // 200 MiB
    const request = post(stream, { ...JSON_TYPE, "content-length": String(200 * 1024 * 1024) });
    const result = await readJsonBody(request);
    expect(result.ok ? 0 : result.error.status).toBe(413);
    expect(pulled.count).toBe(0);
  });

  it("stops reading a chunked 200 MiB body as soon as it passes the limit", async () => {
    const { stream, pulled } = lazyBody(3200);
    const result = await readJsonBody(post(stream));
    expect(result.ok ? 0 : result.error.status).toBe(413);
    expect(pulled.count).toBeLessThanOrEqual(MAX_BODY_BYTES / (64 * 1024) + 2);
    expect(pulled.cancelled).toBe(true);
  });

  it("reads a body within the limit", async () => {
    const result = await readJsonBody(post(JSON.stringify({ a: [1, { b: "x" }] })));
    expect(result).toEqual({ ok: true, value: { a: [1, { b: "x" }] } });
  });

  it("refuses JSON nested deeper than the bound with 400, before parsing", async () => {
    const deep = "[".repeat(MAX_JSON_DEPTH + 1) + "]".repeat(MAX_JSON_DEPTH + 1);
    const result = await readJsonBody(post(deep));
    expect(result.ok ? 0 : result.error.status).toBe(400);
    expect(result.ok ? "" : result.error.body.error.message).toMatch(/deeper than 32/);
  });

  it("refuses another content type with 415 and invalid JSON with 400", async () => {
    const text = await readJsonBody(post("{}", { "content-type": "text/plain" }));
    expect(text.ok ? 0 : text.error.status).toBe(415);
    const broken = await readJsonBody(post("{"));
    expect(broken.ok ? 0 : broken.error.status).toBe(400);
  });

  it("says a missing body is missing, with or without a Content-Type, not a wrong media type", async () => {
    for (const request of [post(null, {}), post(""), post("  \n")]) {
      const result = await readJsonBody(request);
      expect(result.ok ? 0 : result.error.status).toBe(400);
      expect(result.ok ? "" : result.error.body.error.message).toMatch(/^The request has no body/);
    }
  });

  it("refuses JSON that is not an object, naming what it is", async () => {
    const message = async (text: string) => {
      const result = await readJsonBody(post(text));
      expect(result.ok ? 0 : result.error.status).toBe(400);
      return result.ok ? "" : result.error.body.error.message;
    };
    expect(await message("[]")).toBe("The body must be a JSON object, not an array.");
    expect(await message('"x"')).toBe("The body must be a JSON object, not a string.");
    expect(await message("null")).toBe("The body must be a JSON object, not null.");
    const object = await readJsonBody(post('{"a":1}'));
    expect(object.ok ? object.value : undefined).toEqual({ a: 1 });
  });
});

describe("jsonDepth", () => {
  it("counts brackets outside strings only", () => {
    expect(jsonDepth('{"a":[{"b":"[[[{{{\\"]"}]}')).toBe(3);
    expect(jsonDepth("1")).toBe(0);
  });
});
