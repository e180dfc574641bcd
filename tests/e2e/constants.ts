/** Values the e2e seed (seed.ts) writes and the specs look for; no imports, cheap for test workers. */
export const PINTEREST_HEADING = "Trending on Pinterest";
export const CANADA_HEADING = "Hello from our Canadian shelf";
export const WELCOME_CODE = "WELCOME10";
