import { describe, expect, it } from "vitest";
import { openHandoff, sealHandoff } from "./refresh-handoff";

const SECRET = "a-session-secret-of-at-least-32-characters";
const tokens = { accessToken: "at-new", refreshToken: "rt-new", expiresAt: 2_000_000_000 };

describe("refresh handoff", () => {
  it("round-trips a token set for the same refresh token and secret", async () => {
    const sealed = await sealHandoff(tokens, "rt-old", SECRET, 60);
    expect(await openHandoff(sealed, "rt-old", SECRET)).toEqual(tokens);
  });

  it("keeps nothing readable: the tokens are not in the JWE, not even base64url-encoded", async () => {
    const sealed = await sealHandoff(tokens, "rt-old", SECRET, 60);
    expect(sealed.split(".")).toHaveLength(5);
    const header: unknown = JSON.parse(
      Buffer.from(sealed.split(".")[0] ?? "", "base64url").toString(),
    );
    expect(header).toEqual({ alg: "dir", enc: "A256GCM" });
    for (const part of sealed.split(".")) {
      const decoded = Buffer.from(part, "base64url").toString("latin1");
      expect(decoded).not.toContain("at-new");
      expect(decoded).not.toContain("rt-new");
    }
  });

  it("cannot be opened with another refresh token or another secret", async () => {
    const sealed = await sealHandoff(tokens, "rt-old", SECRET, 60);
    await expect(openHandoff(sealed, "rt-other", SECRET)).rejects.toThrow();
    await expect(openHandoff(sealed, "rt-old", `${SECRET}-other`)).rejects.toThrow();
  });

  it("expires on its own", async () => {
    const sealed = await sealHandoff(tokens, "rt-old", SECRET, 1);
    await new Promise((resolve) => setTimeout(resolve, 2100));
    await expect(openHandoff(sealed, "rt-old", SECRET, 0)).rejects.toThrow(/exp/);
  });
});
