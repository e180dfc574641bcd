/**
 * Every Admin GraphQL document Attune sends, pinned to ADMIN_API_VERSION (2026-10).
 * documents.test.ts validates each one against that version's schema, so a misspelled field fails CI
 * instead of failing at a merchant's install.
 *
 * Bulk query rules (Shopify's, enforced by the simulator too): one top-level connection, connections
 * selected through `edges { node { ... } }`, at most 5 connections nested at most 2 deep, every node
 * holding a nested connection selects `id`, and no connection inside a list field. That last rule is
 * why refund line items are not in the orders bulk query (`Order.refunds` is a list): they are read
 * afterwards with REFUND_LINES_QUERY, for the few orders that have refunds.
 *
 * Personal data: the customer and order documents select no names, emails, phones or street lines;
 * only country/province codes.
 */
import { ADMIN_API_VERSION } from "../api-version";

export const API_VERSION = ADMIN_API_VERSION;

/* ---------------------------------------------------------------- bulk queries (inner documents) */

export const BULK_PRODUCTS_QUERY = /* GraphQL */ `
  {
    products {
      edges {
        node {
          id
          title
          handle
          productType
          vendor
          tags
          status
          publishedAt
          createdAt
          updatedAt
          featuredMedia {
            preview {
              image {
                url
              }
            }
          }
          variants {
            edges {
              node {
                id
                title
                price
                availableForSale
                position
              }
            }
          }
          collections {
            edges {
              node {
                id
                handle
              }
            }
          }
        }
      }
    }
  }
`;

export const BULK_CUSTOMERS_QUERY = /* GraphQL */ `
  {
    customers {
      edges {
        node {
          id
          state
          tags
          createdAt
          updatedAt
          defaultAddress {
            countryCodeV2
            provinceCode
          }
        }
      }
    }
  }
`;

/** Shopify's search syntax for the orders window, e.g. `created_at:>=2025-11-23`. */
export function ordersSearchQuery(since: Date): string {
  return `created_at:>=${since.toISOString().slice(0, 10)}`;
}

/** Orders since a date. Needs `read_all_orders` for anything older than 60 days. */
export function bulkOrdersQuery(since: Date): string {
  // JSON.stringify quotes and escapes the search string as a GraphQL string literal.
  return /* GraphQL */ `
  {
    orders(query: ${JSON.stringify(ordersSearchQuery(since))}, sortKey: CREATED_AT) {
      edges {
        node {
          id
          name
          createdAt
          updatedAt
          cancelledAt
          currencyCode
          test
          sourceName
          displayFinancialStatus
          customAttributes {
            key
            value
          }
          totalPriceSet {
            shopMoney {
              amount
            }
          }
          customer {
            id
          }
          shippingAddress {
            countryCodeV2
            provinceCode
          }
          billingAddress {
            countryCodeV2
            provinceCode
          }
          customerJourneySummary {
            firstVisit {
              landingPage
              referrerUrl
            }
            lastVisit {
              landingPage
              referrerUrl
            }
          }
          refunds {
            id
            createdAt
            totalRefundedSet {
              shopMoney {
                amount
              }
            }
          }
          lineItems {
            edges {
              node {
                id
                title
                quantity
                customAttributes {
                  key
                  value
                }
                originalUnitPriceSet {
                  shopMoney {
                    amount
                  }
                }
                product {
                  id
                }
                variant {
                  id
                }
              }
            }
          }
        }
      }
    }
  }
`;
}

/** A fixed example of the orders bulk query, for validation (the date is the only variable part). */
export const BULK_ORDERS_QUERY_EXAMPLE = bulkOrdersQuery(new Date("2025-01-01T00:00:00Z"));

/* ---------------------------------------------------------------- bulk operation control */

export const BULK_OPERATION_RUN_QUERY = /* GraphQL */ `
  mutation AttuneBulkRun($query: String!) {
    bulkOperationRunQuery(query: $query, groupObjects: false) {
      bulkOperation {
        id
        status
      }
      userErrors {
        field
        message
        code
      }
    }
  }
`;

/** Poll one operation by id (`currentBulkOperation` is deprecated in 2026-10). */
export const BULK_OPERATION_QUERY = /* GraphQL */ `
  query AttuneBulkOperation($id: ID!) {
    bulkOperation(id: $id) {
      id
      status
      errorCode
      objectCount
      rootObjectCount
      fileSize
      url
      partialDataUrl
      createdAt
      completedAt
    }
  }
`;

export const BULK_OPERATION_CANCEL = /* GraphQL */ `
  mutation AttuneBulkCancel($id: ID!) {
    bulkOperationCancel(id: $id) {
      bulkOperation {
        id
        status
      }
      userErrors {
        field
        message
      }
    }
  }
`;

/* ---------------------------------------------------------------- plain queries */

export const SHOP_QUERY = /* GraphQL */ `
  query AttuneShop {
    shop {
      currencyCode
    }
  }
`;

/**
 * Refund line items of up to 10 refunds per call (see the note at the top of this file). Requested
 * cost stays near 10 x (1 + 2 + 20 x 3) = 630, under Shopify's 1000-point single-query limit.
 */
export const REFUND_LINES_QUERY = /* GraphQL */ `
  query AttuneRefundLines($ids: [ID!]!) {
    nodes(ids: $ids) {
      ... on Refund {
        id
        refundLineItems(first: 20) {
          edges {
            node {
              id
              quantity
              lineItem {
                id
              }
              subtotalSet {
                shopMoney {
                  amount
                }
              }
            }
          }
          pageInfo {
            hasNextPage
          }
        }
      }
    }
  }
`;
export const REFUND_LINES_BATCH = 10;


/* ---------------------------------------------------------------- discounts (offers) */

/**
 * Code discounts for offers. Buyers are chosen with `context` (2025-10+; `customerSelection` is
 * deprecated): `{ all: ALL }` for everyone, `{ customers: { add: [gid] } }` for one customer.
 */
/** What Attune reads of a code discount; both kinds have these fields (the DiscountCode union has no interface). */
const CODE_DISCOUNT_SUMMARY = /* GraphQL */ `
      title
      status
      asyncUsageCount
      startsAt
      endsAt
      codes(first: 1) {
        nodes {
          code
        }
      }
`;
const DISCOUNT_USER_ERRORS = /* GraphQL */ `
        field
        code
        message
`;
const CODE_DISCOUNT_FIELDS = /* GraphQL */ `
  id
  codeDiscount {
    __typename
    ... on DiscountCodeBasic {${CODE_DISCOUNT_SUMMARY}}
    ... on DiscountCodeFreeShipping {${CODE_DISCOUNT_SUMMARY}}
  }
`;

export const DISCOUNT_CODE_BASIC_CREATE = /* GraphQL */ `
  mutation AttuneDiscountCodeBasicCreate($basicCodeDiscount: DiscountCodeBasicInput!) {
    discountCodeBasicCreate(basicCodeDiscount: $basicCodeDiscount) {
      codeDiscountNode {${CODE_DISCOUNT_FIELDS}}
      userErrors {${DISCOUNT_USER_ERRORS}}
    }
  }
`;

export const DISCOUNT_CODE_FREE_SHIPPING_CREATE = /* GraphQL */ `
  mutation AttuneDiscountCodeFreeShippingCreate($freeShippingCodeDiscount: DiscountCodeFreeShippingInput!) {
    discountCodeFreeShippingCreate(freeShippingCodeDiscount: $freeShippingCodeDiscount) {
      codeDiscountNode {${CODE_DISCOUNT_FIELDS}}
      userErrors {${DISCOUNT_USER_ERRORS}}
    }
  }
`;

/** Turns a code discount off in Shopify (its end date becomes now: status EXPIRED); the code stays. */
export const DISCOUNT_CODE_DEACTIVATE = /* GraphQL */ `
  mutation AttuneDiscountCodeDeactivate($id: ID!) {
    discountCodeDeactivate(id: $id) {
      codeDiscountNode {${CODE_DISCOUNT_FIELDS}}
      userErrors {${DISCOUNT_USER_ERRORS}}
    }
  }
`;

/** Deletes a code discount in Shopify. */
export const DISCOUNT_CODE_DELETE = /* GraphQL */ `
  mutation AttuneDiscountCodeDelete($id: ID!) {
    discountCodeDelete(id: $id) {
      deletedCodeDiscountId
      userErrors {${DISCOUNT_USER_ERRORS}}
    }
  }
`;

/** Does this code exist in Shopify (a merchant choosing an existing code)? */
export const DISCOUNT_CODE_BY_CODE = /* GraphQL */ `
  query AttuneDiscountCodeByCode($code: String!) {
    codeDiscountNodeByCode(code: $code) {${CODE_DISCOUNT_FIELDS}}
  }
`;

/** Status and usage of the shop's offers (at most 50 per call). */
export const DISCOUNT_NODES_QUERY = /* GraphQL */ `
  query AttuneDiscountNodes($ids: [ID!]!) {
    nodes(ids: $ids) {
      ... on DiscountCodeNode {${CODE_DISCOUNT_FIELDS}}
    }
  }
`;
export const DISCOUNT_NODES_BATCH = 50;

/* ---------------------------------------------------------------- loyalty reward discounts (issue #13) */

/**
 * Built for Shopify 5.5.3: one app-owned code discount per catalogue reward (created with the same
 * DISCOUNT_CODE_BASIC_CREATE / DISCOUNT_CODE_FREE_SHIPPING_CREATE documents as offers, `context: { all: ALL }`,
 * `usageLimit: 1`), and its single-use codes added to it in batches with discountRedeemCodeBulkAdd
 * (at most REDEEM_CODE_BATCH codes per call, asynchronous: poll discountRedeemCodeBulkCreation until
 * `done`). app/services/reward-pool.server.ts keeps the pool topped up.
 */
export const REDEEM_CODE_BATCH = 250;

export const DISCOUNT_REDEEM_CODE_BULK_ADD = /* GraphQL */ `
  mutation AttuneDiscountRedeemCodeBulkAdd($discountId: ID!, $codes: [DiscountRedeemCodeInput!]!) {
    discountRedeemCodeBulkAdd(discountId: $discountId, codes: $codes) {
      bulkCreation {
        id
        done
        codesCount
      }
      userErrors {${DISCOUNT_USER_ERRORS}}
    }
  }
`;

/** A bulk creation's progress (cheap: no per-code list). */
export const DISCOUNT_REDEEM_CODE_BULK_CREATION = /* GraphQL */ `
  query AttuneDiscountRedeemCodeBulkCreation($id: ID!) {
    discountRedeemCodeBulkCreation(id: $id) {
      id
      done
      codesCount
      importedCount
      failedCount
    }
  }
`;

/**
 * Which codes of a finished bulk creation Shopify created, read only when some failed (the list
 * costs ~2 points per code); one page holds a whole batch (REDEEM_CODE_BATCH).
 */
export const DISCOUNT_REDEEM_CODE_BULK_CREATION_CODES = /* GraphQL */ `
  query AttuneDiscountRedeemCodeBulkCreationCodes($id: ID!) {
    discountRedeemCodeBulkCreation(id: $id) {
      id
      codes(first: 250) {
        nodes {
          code
          discountRedeemCode {
            id
          }
          errors {
            code
            message
          }
        }
      }
    }
  }
`;

/* ---------------------------------------------------------------- app-data metafields (theme settings) */

/** The app's installation: owner of app-data metafields, which theme app extensions read as `app.metafields`. */
export const APP_INSTALLATION_QUERY = /* GraphQL */ `
  query AttuneAppInstallation {
    currentAppInstallation {
      id
    }
  }
`;

export const METAFIELDS_SET = /* GraphQL */ `
  mutation AttuneMetafieldsSet($metafields: [MetafieldsSetInput!]!) {
    metafieldsSet(metafields: $metafields) {
      metafields {
        namespace
        key
        value
      }
      userErrors {
        field
        message
        code
      }
    }
  }
`;

export const METAFIELDS_DELETE = /* GraphQL */ `
  mutation AttuneMetafieldsDelete($metafields: [MetafieldIdentifierInput!]!) {
    metafieldsDelete(metafields: $metafields) {
      deletedMetafields {
        key
      }
      userErrors {
        field
        message
      }
    }
  }
`;

/* ---------------------------------------------------------------- registry (validated by the test) */

/** Full request documents (sent as the GraphQL request body). */
export const DOCUMENTS = {
  BULK_OPERATION_RUN_QUERY,
  BULK_OPERATION_QUERY,
  BULK_OPERATION_CANCEL,
  SHOP_QUERY,
  REFUND_LINES_QUERY,
  DISCOUNT_CODE_BASIC_CREATE,
  DISCOUNT_CODE_FREE_SHIPPING_CREATE,
  DISCOUNT_CODE_DEACTIVATE,
  DISCOUNT_CODE_DELETE,
  DISCOUNT_CODE_BY_CODE,
  DISCOUNT_NODES_QUERY,
  DISCOUNT_REDEEM_CODE_BULK_ADD,
  DISCOUNT_REDEEM_CODE_BULK_CREATION,
  DISCOUNT_REDEEM_CODE_BULK_CREATION_CODES,
  APP_INSTALLATION_QUERY,
  METAFIELDS_SET,
  METAFIELDS_DELETE,
} as const;

/** Inner bulk queries (sent as the `query` variable of bulkOperationRunQuery). */
export const BULK_QUERIES = {
  products: BULK_PRODUCTS_QUERY,
  customers: BULK_CUSTOMERS_QUERY,
  orders: BULK_ORDERS_QUERY_EXAMPLE,
} as const;

/* ---------------------------------------------------------------- response types */

export type BulkOperationStatus = "CANCELED" | "CANCELING" | "COMPLETED" | "CREATED" | "EXPIRED" | "FAILED" | "RUNNING";

export interface BulkOperation {
  id: string;
  status: BulkOperationStatus;
  errorCode: string | null;
  objectCount: string;
  rootObjectCount: string;
  fileSize: string | null;
  url: string | null;
  partialDataUrl: string | null;
  createdAt: string;
  completedAt: string | null;
}

export interface BulkRunResult {
  bulkOperationRunQuery: {
    bulkOperation: { id: string; status: BulkOperationStatus } | null;
    userErrors: { field: string[] | null; message: string; code: string | null }[];
  } | null;
}

export interface BulkOperationResult {
  bulkOperation: BulkOperation | null;
}

export interface ShopResult {
  shop: { currencyCode: string };
}

export interface RefundLinesResult {
  nodes: ({
    id: string;
    refundLineItems: {
      edges: { node: { id: string | null; quantity: number; lineItem: { id: string }; subtotalSet: { shopMoney: { amount: string } } } }[];
      pageInfo: { hasNextPage: boolean };
    };
  } | null | Record<string, never>)[];
}

export interface CodeDiscountNode {
  id: string;
  codeDiscount: {
    __typename: string;
    title?: string;
    status?: "ACTIVE" | "EXPIRED" | "SCHEDULED";
    asyncUsageCount?: number;
    startsAt?: string;
    endsAt?: string | null;
    codes?: { nodes: { code: string }[] };
  };
}
export interface DiscountUserError {
  field: string[] | null;
  code: string | null;
  message: string;
}

export interface RedeemCodeBulkAddResult {
  discountRedeemCodeBulkAdd: { bulkCreation: { id: string; done: boolean; codesCount: number } | null; userErrors: DiscountUserError[] } | null;
}
export interface RedeemCodeBulkCreationResult {
  discountRedeemCodeBulkCreation: { id: string; done: boolean; codesCount: number; importedCount: number; failedCount: number } | null;
}
export interface RedeemCodeBulkCreationCodesResult {
  discountRedeemCodeBulkCreation: {
    id: string;
    codes: { nodes: { code: string; discountRedeemCode: { id: string } | null; errors: { code: string | null; message: string }[] }[] };
  } | null;
}
