import { describe, expect, it } from "vitest";
import { registeredInstallHandler } from "./shopify.server";
import { onInstalled } from "./services/install.server";

describe("entry.server (the composition root)", () => {
  it("wires installs to the install service, which shopify.server.ts does not import itself", async () => {
    expect(registeredInstallHandler()).toBeUndefined();
    await import("./entry.server");
    expect(registeredInstallHandler()).toBe(onInstalled);
  });
});
