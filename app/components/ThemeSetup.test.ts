import { describe, expect, it } from "vitest";
import { activationStatuses, themeEditorLinks } from "./ThemeSetup";

describe("theme setup", () => {
  it("reads the embed's and blocks' status from app.extensions() (theme app extensions only; any active placement wins)", () => {
    const list = [
      { handle: "attune-checkout", type: "ui_extension", activations: [{ handle: "embed", status: "active" }] },
      {
        handle: "attune-theme",
        type: "theme_app_extension",
        activations: [
          { handle: "embed", status: "available" },
          { handle: "embed", status: "active" },
          { handle: "product", status: "available" },
          { handle: "cart", status: "unavailable" },
          { handle: "home", status: "weird" },
        ],
      },
    ];
    expect(activationStatuses(list)).toEqual({ embed: "active", product: "available", cart: "unavailable", home: "unknown" });
    expect(activationStatuses(null)).toEqual({});
  });

  it("deep-links into the theme editor: activateAppId for the embed, addAppBlockId per template", () => {
    const l = themeEditorLinks("shop-1.myshopify.com", "key123");
    expect(l.embed).toBe("https://shop-1.myshopify.com/admin/themes/current/editor?context=apps&activateAppId=key123/embed");
    expect(l.block("product", "product")).toBe("https://shop-1.myshopify.com/admin/themes/current/editor?template=product&addAppBlockId=key123/product&target=newAppsSection");
  });
});
