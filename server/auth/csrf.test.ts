import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { checkCsrf, cookieValue } from "./csrf";

const secret = "s".repeat(32);
const options = {
  publicOrigin: "http://localhost:3000",
  cookieName: "next-auth.csrf-token",
  secret,
};
const token = "abc123";
const cookie = `next-auth.csrf-token=${encodeURIComponent(
  `${token}|${createHash("sha256")
    .update(token + secret)
    .digest("hex")}`,
)}`;

function post(headers: Record<string, string>) {
  return new Request("http://localhost:3000/api/v1/namespaces/demo/mysqlclusters", {
    method: "POST",
    headers,
  });
}

describe("checkCsrf", () => {
  it("accepts the dashboard's own page sending the token of its cookie", () => {
    const request = post({
      cookie: `other=1; ${cookie}`,
      "x-csrf-token": token,
      origin: "http://localhost:3000",
      "sec-fetch-site": "same-origin",
    });
    expect(checkCsrf(request, options)).toEqual({ ok: true });
  });

  it("refuses another site, by fetch metadata or by Origin", () => {
    const cross = checkCsrf(
      post({ cookie, "x-csrf-token": token, "sec-fetch-site": "cross-site" }),
      options,
    );
    expect(cross).toMatchObject({
      ok: false,
      message: expect.stringContaining("cross-site") as string,
    });
    const origin = checkCsrf(
      post({ cookie, "x-csrf-token": token, origin: "http://evil.example" }),
      options,
    );
    expect(origin).toMatchObject({
      ok: false,
      message: expect.stringContaining("http://evil.example") as string,
    });
  });

  it("refuses a missing or wrong token header", () => {
    expect(checkCsrf(post({ cookie }), options)).toMatchObject({
      ok: false,
      message: expect.stringContaining("X-CSRF-Token") as string,
    });
    expect(checkCsrf(post({ cookie, "x-csrf-token": "other" }), options)).toMatchObject({
      ok: false,
    });
  });

  it("refuses a cookie not signed with the server's secret (planted by a sibling domain)", () => {
    const planted = `next-auth.csrf-token=${encodeURIComponent(`${token}|${"0".repeat(64)}`)}`;
    expect(checkCsrf(post({ cookie: planted, "x-csrf-token": token }), options)).toMatchObject({
      ok: false,
    });
    expect(checkCsrf(post({ "x-csrf-token": token }), options)).toMatchObject({ ok: false });
  });
});

describe("cookieValue", () => {
  it("finds one cookie and URL-decodes it", () => {
    expect(cookieValue("a=1; b=x%7Cy", "b")).toBe("x|y");
    expect(cookieValue("a=1", "b")).toBeUndefined();
    expect(cookieValue(null, "b")).toBeUndefined();
  });
});
