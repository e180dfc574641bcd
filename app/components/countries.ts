/** ISO 3166-1 alpha-2 codes with English names, for country pickers (built from Intl, no data file). */
let cache: { value: string; label: string }[] | null = null;

/**
 * Names that differ between ICU versions (Node 22's and Chromium's CLDR data): the server's HTML and
 * the browser's hydration must agree, or React throws the server's page away and renders it again.
 */
const SAME_EVERYWHERE: Record<string, string> = { FK: "Falkland Islands", HK: "Hong Kong", MO: "Macao", PS: "Palestine" };

export function countryOptions(): { value: string; label: string }[] {
  if (cache) return cache;
  const names = new Intl.DisplayNames(["en"], { type: "region" });
  const out: { value: string; label: string }[] = [];
  for (let a = 65; a <= 90; a++) {
    for (let b = 65; b <= 90; b++) {
      const code = String.fromCharCode(a, b);
      let name: string | undefined;
      try {
        name = names.of(code);
      } catch {
        continue;
      }
      // Unassigned and user-assigned codes come back as the code itself or as pseudo-regions.
      if (!name || name === code || /Unknown|Pseudo|Outlying Oceania|European Union|Eurozone|United Nations/.test(name)) continue;
      out.push({ value: code, label: SAME_EVERYWHERE[code] ?? name });
    }
  }
  cache = out.sort((x, y) => x.label.localeCompare(y.label));
  return cache;
}
