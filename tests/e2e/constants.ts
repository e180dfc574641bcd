/** Values the e2e seed writes and the specs look for (the example merchant configuration's). */
export { CANADA_HEADING, PINTEREST_HEADING, WELCOME_CODE } from "../../scripts/simulator/merchant-config";
